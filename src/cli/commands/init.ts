import type { Command } from '../command';

export const init: Command = {
  usage: 'init <dir> [--task classify|detect|segment] [--classes a,b,c]',
  options: { task: { type: 'string' }, classes: { type: 'string' } },
  positionals: 1,
  async run({ service, positionals, values, out }) {
    const classes = typeof values.classes === 'string' ? values.classes.split(',').map((c) => c.trim()).filter(Boolean) : [];
    const info = await service.invoke('project.create', {
      dir: positionals[0]!,
      task: (values.task as 'classify' | 'detect' | 'segment' | undefined) ?? 'classify',
      classes,
    });
    const result = { dir: info.dir, task: info.task, classes: info.classes.map((c) => c.name) };
    out.result(result, () => [`Created ${info.task} project in ${info.dir}`, `Classes: ${result.classes.join(', ') || '(none yet)'}`]);
  },
};
