import { Checkbox, FormControl, FormControlLabel, FormHelperText } from '@mui/material';
import { useInput, type Validator } from 'react-admin';

/** A plain checkbox bound to a boolean form value, labelled for screen readers and e2e tests. */
export const CheckboxInput = ({
  source,
  label,
  helperText,
  validate,
  disabled,
}: {
  source: string;
  label: string;
  helperText?: string;
  validate?: Validator | Validator[];
  disabled?: boolean;
}) => {
  const { id, field, fieldState } = useInput({ source, validate, type: 'checkbox' });
  const error = fieldState.error?.message;
  return (
    <FormControl error={!!error} sx={{ display: 'block' }}>
      <FormControlLabel
        label={label}
        control={
          <Checkbox
            id={id}
            name={field.name}
            checked={!!field.value}
            disabled={disabled}
            onChange={(e) => field.onChange(e.target.checked)}
            onBlur={field.onBlur}
            inputRef={field.ref}
          />
        }
      />
      {error || helperText ? <FormHelperText>{error || helperText}</FormHelperText> : null}
    </FormControl>
  );
};
