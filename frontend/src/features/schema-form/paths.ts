// Error keys: a top-level field is its name; a field of a list item is "list.index.field".

export function errorKey(list: string, index: number, field: string): string {
  return `${list}.${index}.${field}`;
}
