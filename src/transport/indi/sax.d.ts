// The part of sax 1.6 (which ships no types) that indi-parser.ts uses, in non-namespace mode.
// Declared here rather than adding @types/sax, whose 1.2 typings predate the version we run.
declare module 'sax' {
  interface Tag {
    readonly name: string;
    readonly attributes: Readonly<Record<string, string>>;
    readonly isSelfClosing: boolean;
  }

  interface SAXParser {
    line: number;
    column: number;
    error: Error | null;
    /** The name of the tag being read (an opening or closing one). */
    tagName: string;
    onopentag: (tag: Tag) => void;
    onattribute: (attribute: { readonly name: string; readonly value: string }) => void;
    ontext: (text: string) => void;
    oncdata: (text: string) => void;
    onclosetag: (name: string) => void;
    onerror: (error: Error) => void;
    write(chunk: string): SAXParser;
    resume(): SAXParser;
  }

  interface SAXOptions {
    /** Keep line/column: sax needs positions to flush long text nodes in pieces. */
    position?: boolean;
    strictEntities?: boolean;
  }

  const sax: {
    parser(strict: boolean, options?: SAXOptions): SAXParser;
    /** Buffer length (characters) past which text is emitted in pieces and other buffers fail. */
    MAX_BUFFER_LENGTH: number;
  };
  export = sax;
}
