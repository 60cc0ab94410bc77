import type { Command } from '../command';

export const stats: Command = {
  usage: 'stats <dir>',
  options: {},
  positionals: 1,
  openProject: true,
  async run({ service, out }) {
    const s = await service.invoke('stats.get', {});
    out.result(s, () => [
      `${s.images} images: ${s.labeled} labeled, ${s.unlabeled} unlabeled`,
      `splits: train ${s.splits.train}, val ${s.splits.val}, test ${s.splits.test}, unlabeled ${s.splits.unlabeled}`,
      ...s.classes.map((c) => `  ${c.name}: ${c.count}`),
      `pseudo-labels: ${s.pseudo.pending} pending, ${s.pseudo.accepted} accepted, ${s.pseudo.rejected} rejected, ${s.pseudo.corrected} corrected`,
    ]);
  },
};
