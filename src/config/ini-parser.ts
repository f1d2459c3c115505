/**
 * A reader for INI files with the semantics of Python's `configparser.ConfigParser()` in its
 * default settings, because `pyros_agent_config.ini` is shared with the Python PyROS, which reads
 * it with configparser. The same text must mean the same thing on both sides.
 *
 * Followed from configparser (Python 3.11 `RawConfigParser._read`):
 * - `[name]` starts a section; the name is everything between the first `[` and the last `]`, not
 *   trimmed and case-sensitive. Text after the last `]` is ignored, as configparser does.
 * - `[DEFAULT]` holds keys inherited by every section (see {@link effectiveValues}). It may appear
 *   more than once (configparser allows it), but a key may not repeat in it.
 * - `key = value` or `key: value`; the first `=` or `:` separates. Keys are trimmed and
 *   lower-cased (configparser's `optionxform`); values are trimmed.
 * - Full-line comments start with `#` or `;` after optional whitespace. Inline comments are NOT
 *   stripped (configparser's default `inline_comment_prefixes=None`): in `port = 1 ; x` the
 *   value is `1 ; x`.
 * - A non-blank line indented deeper than the line of its key continues the value; the parts are
 *   joined with `\n`. Blank lines inside such a value are kept and trailing ones dropped
 *   (`empty_lines_in_values=True`); comment lines inside it are skipped.
 * - Strict mode: a repeated section or a repeated key within one section is an error.
 * - A key or any other text before the first section header is an error
 *   (`MissingSectionHeaderError`), as is a line that is neither a header, a key nor a comment.
 *   configparser reports bogus lines after reading the whole file; we stop at the first one.
 * - Lines end with `\n`, `\r\n` or `\r` (Python's universal newlines), and "whitespace" is
 *   Python's `str.isspace()` set.
 *
 * Differences, on purpose:
 * - No interpolation: values are raw, as with `RawConfigParser` or `interpolation=None`;
 *   `%(name)s` is kept as written.
 * - A byte order mark at the start of the text is ignored (Python needs `encoding='utf-8-sig'`).
 * - Keys without a value (`allow_no_value`) are not supported, as in configparser's default.
 */
import { ConfigError, quoteValue } from './config-error.js';

/** The name of the section whose keys every other section inherits. */
export const DEFAULT_SECTION = 'DEFAULT';

/** One `[section]` of an INI file, with its own keys only (not the inherited defaults). */
export interface IniSection {
  /** The name between the brackets, as written. */
  readonly name: string;
  /** 1-based line number of the `[name]` header. */
  readonly line: number;
  /** Raw values by lower-cased key. A prototype-less object, so any key name is safe. */
  readonly values: Record<string, string>;
  /** 1-based line number of each key, by lower-cased key. */
  readonly lines: Record<string, number>;
}

/** A parsed INI file. */
export interface IniDocument {
  /** The file name used in error messages. */
  readonly file: string;
  /** Keys of `[DEFAULT]`, inherited by every section. Prototype-less. */
  readonly defaults: Record<string, string>;
  /** 1-based line number of each key of `[DEFAULT]`. */
  readonly defaultLines: Record<string, number>;
  /** The sections other than `[DEFAULT]`, in file order. */
  readonly sections: Map<string, IniSection>;
}

// Python's str.isspace() set; JavaScript's \s differs (it has U+FEFF and lacks \x1c-\x1f, \x85).
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${PY_SPACE}]+`);
const TRAILING_SPACE = new RegExp(`[${PY_SPACE}]+$`);
const FIRST_NON_SPACE = new RegExp(`[^${PY_SPACE}]`);
// configparser's OPTCRE: a lazy key, so the first `=` or `:` is the delimiter.
const OPTION = new RegExp(`^(.*?)[${PY_SPACE}]*([=:])[${PY_SPACE}]*(.*)$`, 's');

function pyStrip(text: string): string {
  return text.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

/** A value being read; continuation lines add parts until the next key or header. */
interface OpenValue {
  readonly target: Record<string, string[]>;
  readonly key: string;
}

interface SectionBuilder {
  readonly name: string;
  readonly line: number;
  readonly parts: Record<string, string[]>;
  readonly lines: Record<string, number>;
}

function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * Parses INI text with configparser semantics (see the module comment).
 *
 * @param text - the file contents.
 * @param file - the file name, used in error messages only.
 * @throws ConfigError on a key before any section, a repeated section or key, or a line that is
 *   neither a section header, a key nor a comment; the error carries the line number.
 */
export function parseIni(text: string, file: string): IniDocument {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const defaults: SectionBuilder = {
    name: DEFAULT_SECTION,
    line: 0,
    parts: emptyRecord(),
    lines: emptyRecord(),
  };
  const sections = new Map<string, SectionBuilder>();
  let current: SectionBuilder | undefined;
  let open: OpenValue | undefined;
  let indentLevel = 0;

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const value = pyStrip(raw);
    const isComment = value.startsWith('#') || value.startsWith(';');
    if (value === '' || isComment) {
      // A blank line may be part of a multi-line value (kept unless trailing); a comment is not.
      if (!isComment && open) open.target[open.key]?.push('');
      return;
    }
    const indent = raw.search(FIRST_NON_SPACE);
    if (open && indent > indentLevel) {
      open.target[open.key]?.push(value);
      return;
    }
    indentLevel = indent;
    const header = sectionName(value);
    if (header !== undefined) {
      open = undefined;
      if (header === DEFAULT_SECTION) {
        current = defaults;
        return;
      }
      if (sections.has(header)) {
        const first = sections.get(header)?.line;
        throw new ConfigError(
          { file, section: header, line: lineNo },
          `section appears twice (first on line ${first})`,
        );
      }
      current = { name: header, line: lineNo, parts: emptyRecord(), lines: emptyRecord() };
      sections.set(header, current);
      return;
    }
    if (!current) {
      throw new ConfigError(
        { file, line: lineNo },
        `text before the first [section] header: ${quoteValue(raw)}`,
      );
    }
    const match = OPTION.exec(value);
    const key = match?.[1] === undefined ? '' : pyStrip(match[1]).toLowerCase();
    if (!match || key === '') {
      throw new ConfigError(
        { file, section: current.name, line: lineNo },
        `line is neither a section, a key nor a comment: ${quoteValue(raw)}`,
      );
    }
    if (Object.hasOwn(current.parts, key)) {
      throw new ConfigError(
        { file, section: current.name, key, line: lineNo },
        `key appears twice in the section (first on line ${current.lines[key]})`,
      );
    }
    current.parts[key] = [pyStrip(match[3] ?? '')];
    current.lines[key] = lineNo;
    open = { target: current.parts, key };
  });

  const result = new Map<string, IniSection>();
  for (const [name, section] of sections) {
    result.set(name, { name, line: section.line, values: joinParts(section.parts), lines: section.lines });
  }
  return { file, defaults: joinParts(defaults.parts), defaultLines: defaults.lines, sections: result };
}

/** configparser's SECTCRE `\[(?P<header>.+)\]` applied with `re.match`: first `[` to last `]`. */
function sectionName(value: string): string | undefined {
  if (!value.startsWith('[')) return undefined;
  const close = value.lastIndexOf(']');
  return close > 1 ? value.slice(1, close) : undefined;
}

function joinParts(parts: Record<string, string[]>): Record<string, string> {
  const values = emptyRecord<string>();
  for (const [key, pieces] of Object.entries(parts)) {
    // Python: '\n'.join(parts).rstrip(), which drops trailing blank lines of the value.
    values[key] = pieces.join('\n').replace(TRAILING_SPACE, '');
  }
  return values;
}

/**
 * The values a section sees: its own keys over the keys of `[DEFAULT]`, like
 * `configparser['name']`. Returns a prototype-less object.
 *
 * @throws ConfigError when the document has no such section.
 */
export function effectiveValues(doc: IniDocument, sectionName: string): Record<string, string> {
  const section = doc.sections.get(sectionName);
  if (!section) {
    throw new ConfigError({ file: doc.file }, `no section [${sectionName}]`);
  }
  return Object.assign(emptyRecord<string>(), doc.defaults, section.values);
}
