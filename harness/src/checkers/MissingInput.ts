/** A file a checker reads is missing or unreadable in the run folder; the checker answers unknown with why. */
export class MissingInput extends Error {
  override name = 'MissingInput';
}
