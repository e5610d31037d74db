// Hand-written from docs/api.md until ts-rs generates this file.
export type ApiError = {
  code: 'validation' | 'not_found' | 'conflict' | 'invalid_input' | 'storage' | 'internal';
  message: string;
  fields: Array<{ field: string; message: string }>;
};
