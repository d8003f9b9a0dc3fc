/**
 * The one escape for text callstorm puts into Markdown (summary.md) that it did not write itself:
 * names and reasons from scenario, SLO and drill files, run folders and agents. The result renders
 * as exactly that text on one line: the punctuation that makes Markdown markup is backslash-escaped
 * (emphasis, code, links and images, table cells, a heading's closing #s, strikethrough), `<`, `>`
 * and `&` become entities (no raw HTML, no entity tricks), a leading list marker cannot start a
 * list nor a line of dashes make a rule, control characters are dropped and line breaks become spaces. Punctuation that is markup
 * only after an escaped character (`(` after `]`, `!` before `[`) is left as it is, so the raw
 * file stays readable.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .replace(/\s*[\r\n]+\s*/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/([\\`*_[\]#|~])/g, '\\$1')
      // "1. x", "- x", "+ x" at the start would open a list; a line of only - or = would be a rule
      // or underline the line above. "91.0 %" and "= 100 %" are none of these and stay as they are.
      .replace(/^(\s*)(\d{1,9})([.)])(?=\s|$)/, '$1$2\\$3')
      .replace(/^(\s*)([-+])(?=\s|$)/, '$1\\$2')
      .replace(/^(\s*)([-=])(?=[-=\s]*$)/, '$1\\$2')
  );
}
