import {
  Box,
  CircularProgress,
  NativeSelect,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useInput } from 'react-admin';
import type { Action } from '../bindings/Action';
import type { Entity } from '../bindings/Entity';
import type { Level } from '../bindings/Level';
import type { PermissionCatalog } from '../bindings/PermissionCatalog';
import type { Role } from '../bindings/Role';
import { labelIn, usePermissionCatalog } from './permissionCatalog';

export type Permissions = Role['permissions'];
type Cell = [Entity, Action];

export const levelAt = (permissions: Permissions, [entity, action]: Cell): Level =>
  permissions[entity]?.[action] ?? 'none';

/** `permissions` with every one of `cells` at `level`. */
export function withLevel(permissions: Permissions, cells: Cell[], level: Level): Permissions {
  const next: Permissions = structuredClone(permissions);
  for (const [entity, action] of cells) (next[entity] ??= {})[action] = level;
  return next;
}

/** Only the grants above None: the matrix as the core stores it. */
export function granted(permissions: Permissions): Permissions {
  const kept: Permissions = {};
  for (const [entity, actions] of Object.entries(permissions) as [Entity, Permissions[Entity]][]) {
    for (const [action, level] of Object.entries(actions ?? {}) as [Action, Level][]) {
      if (level !== 'none') (kept[entity] ??= {})[action] = level;
    }
  }
  return kept;
}

/** A native select: arrow keys and type-ahead work in it, and 50 of them stay light. */
const LevelSelect = ({
  label,
  value,
  levels,
  onChange,
}: {
  label: string;
  /** `''` when the cells it sets hold different levels. */
  value: Level | '';
  levels: PermissionCatalog['levels'];
  onChange: (level: Level) => void;
}) => (
  <NativeSelect
    value={value}
    onChange={(event) => onChange(event.target.value as Level)}
    inputProps={{ 'aria-label': label }}
    sx={{ fontSize: 'body2.fontSize', minWidth: 200 }}
  >
    {value === '' ? (
      <option value="" disabled>
        Mixed
      </option>
    ) : null}
    {levels.map((level) => (
      <option key={level.value} value={level.value}>
        {level.label}
      </option>
    ))}
  </NativeSelect>
);

/**
 * The permission matrix: a row per entity, a column per action, a cell where the entity has
 * that action. Given `onChange` each cell is a select of the access levels, and the row and
 * column headers hold one that sets the whole row or column; without, it shows the levels.
 */
export const PermissionMatrix = ({
  catalog,
  value,
  onChange,
}: {
  catalog: PermissionCatalog;
  value: Permissions;
  onChange?: (next: Permissions) => void;
}) => {
  const { entities, actions, levels } = catalog;
  const columns = actions.filter((a) => entities.some((e) => e.actions.includes(a.value)));
  const rowCells = (entity: PermissionCatalog['entities'][number]): Cell[] =>
    entity.actions.map((action) => [entity.entity, action]);
  const columnCells = (action: Action): Cell[] =>
    entities.filter((e) => e.actions.includes(action)).map((e) => [e.entity, action]);
  const common = (cells: Cell[]): Level | '' => {
    const found = new Set(cells.map((cell) => levelAt(value, cell)));
    return found.size === 1 ? [...found][0] : '';
  };
  const select = (label: string, cells: Cell[]) =>
    onChange ? (
      <LevelSelect
        label={label}
        value={common(cells)}
        levels={levels}
        onChange={(level) => onChange(withLevel(value, cells, level))}
      />
    ) : null;

  return (
    <TableContainer sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label="Permissions">
        <TableHead>
          <TableRow>
            <TableCell sx={{ verticalAlign: 'bottom' }}>Entity</TableCell>
            {columns.map((action) => (
              <TableCell key={action.value} sx={{ verticalAlign: 'bottom' }}>
                <Box sx={{ fontWeight: 500 }}>{action.label}</Box>
                {select(`${action.label}: all entities`, columnCells(action.value))}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {entities.map((entity) => (
            <TableRow key={entity.entity}>
              <TableCell component="th" scope="row">
                <Box sx={{ fontWeight: 500 }}>{entity.label}</Box>
                {select(`${entity.label}: all actions`, rowCells(entity))}
              </TableCell>
              {columns.map((action) => {
                const cell: Cell = [entity.entity, action.value];
                if (!entity.actions.includes(action.value)) {
                  return <TableCell key={action.value} sx={{ bgcolor: 'action.hover' }} />;
                }
                return (
                  <TableCell key={action.value}>
                    {onChange ? (
                      select(`${entity.label} ${action.label} level`, [cell])
                    ) : (
                      <Typography variant="body2">
                        {labelIn(levels, levelAt(value, cell))}
                      </Typography>
                    )}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
};

/** The role form's `permissions`, edited in the matrix. */
export const PermissionMatrixInput = ({ source }: { source: string }) => {
  const catalog = usePermissionCatalog();
  const { field } = useInput({ source });
  if (catalog.error) return <Typography color="error">{catalog.error.message}</Typography>;
  if (!catalog.data) return <CircularProgress size={24} aria-label="Loading permissions" />;
  return (
    <PermissionMatrix
      catalog={catalog.data}
      value={(field.value || {}) as Permissions}
      onChange={field.onChange}
    />
  );
};
