import type { LinkContext, LinkDecision, SegmentLinker, UtteranceLinker } from './utterance-linker.ts';

type Final = Exclude<LinkDecision, { readonly status: 'pending' }>;

/**
 * Links with the first of several linkers that can: the suite's live speech-to-text takes
 * callstorm's tagged audio (the `tagged` linker finds the id in its first bytes at once) and speech
 * (the `acoustic` linker) on one endpoint, whichever a bot streams. Every segment is fed to each
 * linker still in the race; the first `linked` decision wins, in the order given; `unknown` only
 * when all of them said so (with their reasons). `placeholderAudio` is kept from the linkers that
 * have it: it only holds a segment open where a tag was found, so speech streams are unaffected.
 */
export class EitherLinker implements UtteranceLinker {
  readonly method: string;
  readonly placeholderAudio: boolean;
  readonly #linkers: readonly UtteranceLinker[];

  constructor(linkers: readonly UtteranceLinker[]) {
    if (linkers.length === 0) throw new RangeError('EitherLinker needs at least one linker');
    this.#linkers = linkers;
    this.method = linkers.map((l) => l.method).join('|');
    this.placeholderAudio = linkers.some((l) => (l as { placeholderAudio?: boolean }).placeholderAudio);
  }

  segment(context: LinkContext): SegmentLinker {
    const segments = this.#linkers.map((l) => ({ method: l.method, segment: l.segment(context) }));
    const out: (Final | null)[] = segments.map(() => null);
    const decide = (): LinkDecision => {
      const linked = out.find((d) => d?.status === 'linked');
      if (linked) return linked;
      if (out.every((d) => d !== null)) return unknown();
      return { status: 'pending' };
    };
    const unknown = (): Final => ({
      status: 'unknown',
      reason: out
        .map((d, i) => `${segments[i]!.method}:${d?.status === 'unknown' ? d.reason : 'undecided'}`)
        .join(','),
    });
    return {
      push(samples) {
        segments.forEach(({ segment }, i) => {
          if (out[i] !== null && out[i]!.status === 'unknown') return;
          const d = segment.push(samples);
          if (d.status !== 'pending') out[i] = d;
        });
        return decide();
      },
      end() {
        segments.forEach(({ segment }, i) => {
          if (out[i] === null) out[i] = segment.end();
        });
        const d = decide();
        return d.status === 'pending' ? unknown() : d;
      },
    };
  }
}
