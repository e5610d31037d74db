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

/** Buttons keep their written case, so the text on screen is the text in the DOM. */
const withOverrides = (base: RaThemeOptions): RaThemeOptions => ({
  ...base,
  typography: { ...(base.typography as object), fontFamily, button: { textTransform: 'none' } },
  components: {
    ...base.components,
    MuiButton: {
      ...base.components?.MuiButton,
      styleOverrides: {
        ...(base.components?.MuiButton?.styleOverrides as object),
        root: { textTransform: 'none' },
      },
    },
  },
});

export const lightTheme = withOverrides(defaultLightTheme);
export const darkTheme = withOverrides(defaultDarkTheme);
