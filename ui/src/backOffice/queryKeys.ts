/**
 * What System › Users shows and what it decides for the window (the current admin's
 * capabilities): one prefix, so a change there refreshes all of it.
 */
export const BACK_OFFICE = ['back-office'];
export const BACK_OFFICE_USERS_WITH_ROLES = [...BACK_OFFICE, 'users'];
export const BACK_OFFICE_ROLES = [...BACK_OFFICE, 'roles'];
export const MY_CAPABILITIES = [...BACK_OFFICE, 'capabilities'];
