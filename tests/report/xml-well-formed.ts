/**
 * A strict little XML reader for the tests: enough of XML 1.0 to prove a document well-formed
 * (one root, matched tags, quoted and unique attributes, only defined entities, no stray `<` or
 * `&`) and to walk the result. Throws with the offset of the first problem.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

function decode(raw: string, at: number): string {
  for (let i = raw.indexOf('&'); i !== -1; i = raw.indexOf('&', i + 1)) {
    if (!ENTITY.test(raw.slice(i))) throw new Error(`bad entity at ${at + i}`);
  }
  if (raw.includes('<')) throw new Error(`stray < at ${at + raw.indexOf('<')}`);
  return raw
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end === -1) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (true) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root at ${i}`);
    if (stack.length > 0) stack[stack.length - 1]!.text += decode(text, i);
    else decode(text, i);
    if (lt === -1) break;
    i = lt;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end === -1) throw new Error(`unterminated comment at ${i}`);
      i = end + 3;
      continue;
    }
    if (xml.startsWith('</', i)) {
      const name = NAME.exec(xml.slice(i + 2))?.[0];
      const open = stack.pop();
      if (!name || !open || open.name !== name) throw new Error(`mismatched </${name}> at ${i}`);
      i += 2 + name.length;
      skipSpace();
      if (xml[i] !== '>') throw new Error(`expected > at ${i}`);
      i++;
      continue;
    }
    i++;
    const name = NAME.exec(xml.slice(i))?.[0];
    if (!name) throw new Error(`bad tag name at ${i}`);
    if (root !== null && stack.length === 0) throw new Error(`second root element at ${i}`);
    i += name.length;
    const attributes: Record<string, string> = {};
    while (true) {
      const before = i;
      skipSpace();
      if (xml.startsWith('/>', i) || xml[i] === '>') break;
      if (i === before) throw new Error(`expected whitespace before an attribute at ${i}`);
      const attr = NAME.exec(xml.slice(i))?.[0];
      if (!attr) throw new Error(`bad attribute at ${i}`);
      if (attr in attributes) throw new Error(`duplicate attribute ${attr} at ${i}`);
      i += attr.length;
      if (xml[i] !== '=') throw new Error(`expected = at ${i}`);
      const quote = xml[i + 1];
      if (quote !== '"' && quote !== "'") throw new Error(`unquoted attribute at ${i}`);
      const end = xml.indexOf(quote, i + 2);
      if (end === -1) throw new Error(`unterminated attribute at ${i}`);
      attributes[attr] = decode(xml.slice(i + 2, end), i + 2);
      i = end + 1;
    }
    const element: XmlElement = { name, attributes, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
    else root = element;
    if (xml.startsWith('/>', i)) {
      i += 2;
    } else {
      i += 1;
      stack.push(element);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root === null) throw new Error('no root element');
  return root;
}

export function descendants(e: XmlElement, name: string): XmlElement[] {
  return e.children.flatMap((c) => [...(c.name === name ? [c] : []), ...descendants(c, name)]);
}
