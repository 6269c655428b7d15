/**
 * Splits the API's validation message (`Invalid machine request: imageUrl:
 * must be ...; requirements.pool: ...`) into a message per field, so that
 * each shows next to its field. What names no field stays in `general`.
 */
export function fieldErrors(message: string): {
  fields: Record<string, string>;
  general?: string;
} {
  const body = message.replace(/^Invalid [^:]+: /, '');
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const problem of body.split('; ')) {
    const match = /^([\w.]+): (.+)$/.exec(problem);
    if (match && body !== message) fields[match[1]] = match[2];
    else rest.push(problem);
  }
  return { fields, general: rest.length ? rest.join('; ') : undefined };
}
