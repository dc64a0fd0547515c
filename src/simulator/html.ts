/**
 * HTML templating that escapes every interpolated value unless it is already SafeHtml, so user
 * input (logins, User-Agent strings) cannot inject markup into the phone page.
 */

/** Markup that is already escaped and may be inserted as it is. */
export class SafeHtml {
  readonly text: string

  constructor (text: string) {
    this.text = text
  }

  toString (): string {
    return this.text
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!)
}

function render (value: unknown): string {
  if (value instanceof SafeHtml) return value.text
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === undefined || value === null || value === false) return ''
  return escapeHtml(String(value))
}

/** Tagged template: `html\`<p>${text}</p>\`` escapes `text`; arrays are joined; nullish and false render nothing. */
export function html (strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let text = strings[0] ?? ''
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '')
  })
  return new SafeHtml(text)
}
