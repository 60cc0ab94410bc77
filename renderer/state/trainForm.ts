/**
 * The Train view's settings: the "Quick" and "Accurate" presets and every option of
 * `trainInputSchema`, kept as typed text so a half-typed number is not lost. The server checks
 * the values (a bad one comes back as a toast naming the field); empty means "the default".
 */
import type { TrainInput } from './training';
import { createStore } from './store';

type Arch = NonNullable<TrainInput['arch']>;
type Optimizer = NonNullable<TrainInput['optimizer']>;
type Search = NonNullable<TrainInput['search']>;
type Mode = NonNullable<TrainInput['mode']>;

export const ARCHITECTURES = ['small-cnn', 'vgg', 'resnet', 'inception', 'mobilenetv2'] as const satisfies readonly Arch[];
export const OPTIMIZERS = ['adam', 'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop'] as const satisfies readonly Optimizer[];
export const SEARCHES = ['random', 'grid', 'bayes'] as const satisfies readonly Search[];
export const MODES = ['scratch', 'frozen', 'finetune'] as const satisfies readonly Mode[];
// A value added to the contract and missing here fails the typecheck.
const _allArchs: Exclude<Arch, (typeof ARCHITECTURES)[number]> extends never ? true : never = true;
const _allOptimizers: Exclude<Optimizer, (typeof OPTIMIZERS)[number]> extends never ? true : never = true;
const _allSearches: Exclude<Search, (typeof SEARCHES)[number]> extends never ? true : never = true;
const _allModes: Exclude<Mode, (typeof MODES)[number]> extends never ? true : never = true;
void [_allArchs, _allOptimizers, _allSearches, _allModes];

export const MODE_LABELS: Record<Mode, string> = {
  scratch: 'From scratch',
  frozen: 'Frozen backbone (new head only)',
  finetune: 'Fine-tune a backbone',
};

export const ARCH_LABELS: Record<Arch, string> = {
  'small-cnn': 'Small CNN (tiny images, fastest)',
  vgg: 'VGG',
  resnet: 'ResNet',
  inception: 'Inception',
  mobilenetv2: 'MobileNetV2',
};

export type PresetName = 'quick' | 'accurate';

export interface TrainForm {
  preset: PresetName | 'custom';
  arch: Arch | '';
  epochs: string;
  batchSize: string;
  learningRate: string;
  optimizer: Optimizer;
  schedule: string;
  augment: string;
  earlyStop: string;
  dropout: string;
  widthMultiplier: string;
  init: 'he' | 'xavier';
  seed: string;
  kfold: string;
  search: Search | '';
  trials: string;
  mode: Mode;
  backbone: string;
  backboneLrFactor: string;
  /** Distillation: a teacher model id (empty: none), the soft-term weight, temperature, pending threshold. */
  teacher: string;
  alpha: string;
  temperature: string;
  pendingAbove: string;
}

export type FormKey = Exclude<keyof TrainForm, 'preset'>;
// Every option of the contract has a field here (an option added there fails the typecheck until it has one).
const _allOptions: Exclude<keyof TrainInput, FormKey | 'resume'> extends never ? true : never = true;
void _allOptions;

/** The schema's defaults, as the form shows them. */
export const DEFAULTS: Omit<TrainForm, 'preset'> = {
  arch: '',
  epochs: '10',
  batchSize: '64',
  learningRate: '0.001',
  optimizer: 'adam',
  schedule: 'constant',
  augment: '',
  earlyStop: '',
  dropout: '0.2',
  widthMultiplier: '1',
  init: 'he',
  seed: '42',
  kfold: '',
  search: '',
  trials: '8',
  mode: 'scratch',
  backbone: '',
  backboneLrFactor: '0.1',
  teacher: '',
  alpha: '0.5',
  temperature: '',
  pendingAbove: '',
};

export const PRESETS: Record<PresetName, { title: string; blurb: string; values: Partial<Omit<TrainForm, 'preset'>> }> = {
  quick: {
    title: 'Quick',
    blurb: '5 epochs, Adam, flips. A first model in moments.',
    values: { epochs: '5', optimizer: 'adam', learningRate: '0.001', augment: 'flip' },
  },
  accurate: {
    title: 'Accurate',
    blurb: '20 epochs, cosine schedule, stronger augmentation, stops early when it stops improving.',
    values: { epochs: '20', optimizer: 'adam', learningRate: '0.001', schedule: 'cosine', augment: 'flip,crop:0.8,rotate:10,color:0.2', earlyStop: '5' },
  },
};

export function presetForm(name: PresetName): TrainForm {
  return { preset: name, ...DEFAULTS, ...PRESETS[name].values };
}

export const trainForm = createStore<TrainForm>(presetForm('quick'));

export function applyPreset(name: PresetName): void {
  trainForm.set(presetForm(name));
}

export function setField<K extends FormKey>(key: K, value: TrainForm[K]): void {
  trainForm.set((f) => {
    const next = { ...f, [key]: value };
    // Still a preset only while every field matches it.
    const matches = (Object.keys(PRESETS) as PresetName[]).find((p) => {
      const ref = presetForm(p);
      return (Object.keys(DEFAULTS) as FormKey[]).every((k) => ref[k] === next[k]);
    });
    return { ...next, preset: matches ?? 'custom' };
  });
}

/** Text to number: empty is "use the default" (undefined); anything else goes as typed. */
function num(s: string): number | undefined {
  return s.trim() === '' ? undefined : Number(s);
}

function nullableNum(s: string): number | null {
  return s.trim() === '' ? null : Number(s);
}

/** The form as a `train` job input. Unparsable numbers go as NaN (null on the wire) for the server to name. */
export function toInput(f: TrainForm): TrainInput {
  const input: TrainInput = {
    epochs: num(f.epochs),
    batchSize: num(f.batchSize),
    learningRate: num(f.learningRate),
    optimizer: f.optimizer,
    schedule: f.schedule.trim() || 'constant',
    augment: f.augment.trim(),
    earlyStop: nullableNum(f.earlyStop),
    dropout: num(f.dropout),
    widthMultiplier: num(f.widthMultiplier),
    init: f.init,
    seed: num(f.seed),
    kfold: nullableNum(f.kfold),
    search: f.search || null,
    trials: num(f.trials),
    mode: f.mode,
    backbone: f.backbone.trim() || null,
    backboneLrFactor: num(f.backboneLrFactor),
    teacher: f.teacher.trim() || null,
    alpha: num(f.alpha),
    temperature: nullableNum(f.temperature),
    pendingAbove: nullableNum(f.pendingAbove),
  };
  if (f.arch) input.arch = f.arch;
  for (const k of Object.keys(input) as (keyof TrainInput)[]) if (input[k] === undefined) delete input[k];
  return input;
}

/** The form field an INVALID_INPUT issue path points at ("input.epochs" → "epochs"). */
export function fieldOfIssue(path: string): FormKey | null {
  const key = path.replace(/^input\./, '').split('.')[0] ?? '';
  return key in DEFAULTS ? (key as FormKey) : null;
}
