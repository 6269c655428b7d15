/**
 * Manufacturer and model as one label. Many BMCs repeat the manufacturer in
 * the model (`HPE` and `HPE CRAY EX425`): it is then printed once.
 *
 * @public
 */
export function hardwareLabel(
  manufacturer: string | undefined,
  model: string | undefined,
): string {
  const maker = manufacturer?.trim() ?? '';
  const name = model?.trim() ?? '';
  if (!maker || !name) return maker || name;
  const repeats = name.toLowerCase().startsWith(maker.toLowerCase());
  return repeats && /^(\W|$)/.test(name.slice(maker.length))
    ? name
    : `${maker} ${name}`;
}
