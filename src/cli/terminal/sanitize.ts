/**
 * Printing text that came from Okta. Device names, logins, profile fields and error summaries are
 * chosen by people (a phone's owner, an Okta admin), so they can carry ANSI escape sequences that
 * rewrite the terminal, or line breaks that add lines to the YAML `pushgate enroll` prints.
 */

/**
 * ANSI escape sequences: CSI (`ESC [` … final byte), OSC (`ESC ]` … BEL or `ESC \`), DCS, SOS, PM
 * and APC strings (`ESC P|X|^|_` … `ESC \`), two-byte sequences, a lone ESC, and the 8-bit CSI (U+009B).
 */
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -/]*[0-~])?|\x9b[0-?]*[ -/]*[@-~]/g

/** Line breaks (including NEL, U+2028 and U+2029) and tabs, with the spaces around them. */
const LINE_BREAKS = /[ \t]*[\r\n\t\v\f\u0085\u2028\u2029]+[ \t]*/g

/**
 * The C0 controls, DEL, the C1 controls, and the Unicode bidirectional embeddings, overrides and
 * isolates, which can make text display in another order than it is stored.
 */
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g

/**
 * Returns `text` safe to print on one line of a terminal or in a YAML comment: escape sequences and
 * control characters are removed, and each run of line breaks and tabs becomes one space.
 */
export function sanitizeText (text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(LINE_BREAKS, ' ').replace(CONTROL_CHARACTERS, '')
}

/** Applies sanitizeText to each line of a message of several lines, keeping the line breaks. */
export function sanitizeLines (message: string): string {
  return message.split('\n').map(sanitizeText).join('\n')
}

/** Characters JSON.stringify leaves raw that a terminal may still act on: DEL, C1 controls, U+2028, U+2029. */
const RAW_JSON_CONTROLS = /[\x7f-\x9f\u2028\u2029]/g

/**
 * Formats `value` as indented JSON whose strings keep every character, but written as `\uXXXX`
 * escapes wherever a raw character could act on the terminal. JSON.stringify already escapes the
 * C0 controls, including ESC.
 */
export function stringifyJsonForTerminal (value: unknown): string {
  return JSON.stringify(value, null, 2).replace(RAW_JSON_CONTROLS, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * Writes `text` as a YAML double-quoted scalar that keeps every character: a JSON string is a valid
 * YAML 1.2 double-quoted scalar, and the characters JSON leaves raw are escaped as well.
 */
export function quoteYamlString (text: string): string {
  return stringifyJsonForTerminal(text)
}
