import { catalogue, type ErrorCode } from './catalogue.ts';

export type ErrorParams = Record<string, string | number>;

function fill(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

/** The only error type callstorm shows to users: a catalogue code, a message and a hint. */
export class CallstormError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly exitCode: number;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    const entry = catalogue[code];
    super(fill(entry.message, params), options);
    this.name = 'CallstormError';
    this.code = code;
    this.hint = fill(entry.hint, params);
    this.exitCode = entry.exit;
    this.params = params;
  }

  /** What the CLI prints: code, message, and what to do. Never a stack. */
  format(): string {
    return `${this.code}: ${this.message}\n  fix: ${this.hint}`;
  }
}

export function isCallstormError(error: unknown): error is CallstormError {
  return error instanceof CallstormError;
}
