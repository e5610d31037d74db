import { defaultDarkTheme, defaultLightTheme } from 'react-admin';
import type { RaThemeOptions } from 'react-admin';

/** System fonts only: the app runs offline, so nothing is fetched from a CDN. */
const fontFamily = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  'Roboto',
  'Ubuntu',
  'Cantarell',
  '"Noto Sans"',
  '"Helvetica Neue"',
  'Arial',
  'sans-serif',
].join(',');

export const lightTheme: RaThemeOptions = {
  ...defaultLightTheme,
  typography: { ...(defaultLightTheme.typography as object), fontFamily },
};

export const darkTheme: RaThemeOptions = {
  ...defaultDarkTheme,
  typography: { ...(defaultDarkTheme.typography as object), fontFamily },
};
