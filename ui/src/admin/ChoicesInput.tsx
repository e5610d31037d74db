import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import {
  Button,
  FormControl,
  FormHelperText,
  FormLabel,
  IconButton,
  Stack,
  TextField,
} from '@mui/material';

/** The choices of a choice field, one input each, in the order the select offers them. */
export const ChoicesInput = ({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange: (choices: string[]) => void;
  error?: string;
}) => (
  <FormControl component="fieldset" error={!!error}>
    <FormLabel component="legend">Choices</FormLabel>
    <Stack spacing={1} sx={{ mt: 1 }}>
      {value.map((choice, i) => (
        <Stack key={i} direction="row" spacing={1} alignItems="center">
          <TextField
            label={`Choice ${i + 1}`}
            value={choice}
            onChange={(e) => onChange(value.map((c, j) => (j === i ? e.target.value : c)))}
            size="small"
            fullWidth
          />
          <IconButton
            aria-label={`Remove choice ${i + 1}`}
            onClick={() => onChange(value.filter((_, j) => j !== i))}
          >
            <DeleteIcon fontSize="small" />
          </IconButton>
        </Stack>
      ))}
      <Button
        startIcon={<AddIcon />}
        onClick={() => onChange([...value, ''])}
        sx={{ alignSelf: 'flex-start' }}
      >
        Add choice
      </Button>
    </Stack>
    {error ? <FormHelperText>{error}</FormHelperText> : null}
  </FormControl>
);
