// A small builder for parameterised SQL: values always become $n parameters; only fragments built
// by this module (from allow-listed identifiers) are spliced into the text.

export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}

  /** Renders to pg's { text, values } with $1..$n placeholders. */
  toQuery(): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const text = render(this, values);
    return { text, values };
  }
}

function render(fragment: Sql, values: unknown[]): string {
  let text = fragment.strings[0] ?? "";
  fragment.values.forEach((value, i) => {
    if (value instanceof Sql) {
      text += render(value, values);
    } else {
      values.push(value);
      text += `$${values.length}`;
    }
    text += fragment.strings[i + 1] ?? "";
  });
  return text;
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return new Sql(strings, values);
}

/** Trusted SQL text: only for constants and identifiers this codebase chose, never for input. */
export function trusted(text: string): Sql {
  return new Sql([text], []);
}

export function join(fragments: readonly Sql[], separator: string): Sql {
  if (fragments.length === 0) return trusted("");
  const strings = ["", ...fragments.slice(1).map(() => separator), ""];
  return new Sql(strings, fragments);
}

export const empty = trusted("");
