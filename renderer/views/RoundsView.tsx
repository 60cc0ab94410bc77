/**
 * Rounds of the teacher → pseudo-labels → review → student loop, side by side: who taught whom,
 * on how much data, what happened to the pseudo-labels, and whether the student beat its teacher.
 * Below: train the next student by distillation (one run, followed in the Train view), or let
 * the studio run several self-training rounds on its own.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { RoundInfo } from '../../src/api/types';
import { startJob } from '../state/jobs';
import { ignore } from '../state/toasts';
import { models, showModel } from '../state/models';
import { goTab } from '../state/nav';
import { refreshRounds, reviewTeacher, rounds, roundsError, pseudoTemperature } from '../state/review';
import { PRESETS, presetForm, toInput, type PresetName } from '../state/trainForm';
import { startTraining, trainRun } from '../state/training';
import { useStore } from '../state/store';
import { pct } from './format';

export function RoundsView() {
  const list = useStore(rounds);
  const error = useStore(roundsError);

  useEffect(() => {
    refreshRounds().catch(ignore);
  }, []);

  return (
    <div className="rounds-view" data-testid="rounds-view">
      <section>
        <div className="section-head">
          <h2>Rounds</h2>
          <span className="muted">{list ? `${list.length} round${list.length === 1 ? '' : 's'}` : ''}</span>
          <span className="grow" />
          <button onClick={() => refreshRounds().catch(ignore)}>Refresh</button>
        </div>
        {list === null ? (
          <p className="muted">{error ? `The rounds could not be loaded: ${error}` : 'Loading…'}</p>
        ) : list.length === 0 ? (
          <p className="muted">No rounds yet. A round starts when a teacher pseudo-labels images; it ends with a student trained on the reviewed labels.</p>
        ) : (
          <RoundsTable list={list} />
        )}
      </section>
      <div className="rounds-forms">
        <StudentForm />
        <SelfTrainForm />
      </div>
    </div>
  );
}

function ModelLink({ id }: { id: string | null }) {
  const list = useStore(models) ?? [];
  if (!id) return <span className="muted">—</span>;
  const m = list.find((x) => x.id === id);
  return (
    <button
      className="link"
      title={id}
      onClick={() => {
        showModel(id);
        goTab('models');
      }}
    >
      {m?.name ?? id}
      {m && <span className="muted small"> ·{id.slice(-6)}</span>}
    </button>
  );
}

function RoundsTable({ list }: { list: RoundInfo[] }) {
  return (
    <div className="table-scroll rounds-table-scroll">
      <table className="data-table rounds-table">
        <thead>
          <tr className="group-head">
            <th colSpan={3} />
            <th colSpan={2} className="group-start">Student trained on</th>
            <th colSpan={4} className="group-start">Pseudo-labels</th>
            <th colSpan={3} className="group-start">Test accuracy</th>
            <th />
          </tr>
          <tr>
            <th className="num">Round</th>
            <th>Teacher</th>
            <th>Student</th>
            <th className="num group-start" title="Images with a human label the student trained on">Human</th>
            <th className="num" title="Pseudo-labeled images the student trained on">Pseudo</th>
            <th className="num group-start">Pending</th>
            <th className="num">Accepted</th>
            <th className="num">Rejected</th>
            <th className="num">Corrected</th>
            <th className="num group-start">Teacher</th>
            <th className="num">Student</th>
            <th className="num">Δ</th>
            <th className="num greek" title="Weight of the soft labels / temperature">α / T</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => {
            const delta = r.teacherAccuracy !== null && r.studentAccuracy !== null ? r.studentAccuracy - r.teacherAccuracy : null;
            return (
              <tr key={r.round} data-testid="round-row" data-round={r.round}>
                <td className="num">{r.round}</td>
                <td className="model-cell">
                  <ModelLink id={r.teacherId} />
                </td>
                <td className="model-cell">
                  <ModelLink id={r.studentId} />
                </td>
                <td className="num group-start">{r.data ? r.data.human.toLocaleString() : '—'}</td>
                <td className="num">{r.data ? r.data.pseudo.toLocaleString() : '—'}</td>
                <td className="num group-start">{r.pseudo.pending.toLocaleString()}</td>
                <td className="num">{r.pseudo.accepted.toLocaleString()}</td>
                <td className="num">{r.pseudo.rejected.toLocaleString()}</td>
                <td className="num">{r.pseudo.corrected.toLocaleString()}</td>
                <td className="num group-start">{pct(r.teacherAccuracy)}</td>
                <td className={`num${delta !== null && delta > 0 ? ' best' : ''}`}>{pct(r.studentAccuracy)}</td>
                <td className={`num delta${delta === null ? '' : delta > 0 ? ' up' : delta < 0 ? ' down' : ''}`}>{delta === null ? '—' : `${delta > 0 ? '+' : ''}${(delta * 100).toFixed(1)}`}</td>
                <td className="num">
                  {r.alpha ?? '—'} / {r.temperature ?? '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function TeacherSelect({ value, onChange, testId }: { value: string; onChange(v: string): void; testId: string }) {
  const list = useStore(models) ?? [];
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      {list.length === 0 && <option value="">no model yet</option>}
      {list.map((m) => (
        <option key={m.id} value={m.id}>
          {m.name} · {pct(m.metrics?.accuracy)}
        </option>
      ))}
    </select>
  );
}

function num(s: string): number | undefined {
  return s.trim() === '' ? undefined : Number(s);
}

/** One distillation run: a student learns from human labels plus the teacher's reviewed soft labels. */
function StudentForm() {
  const teacherPicked = useStore(reviewTeacher);
  const temperatureUsed = useStore(pseudoTemperature);
  const run = useStore(trainRun);
  const [teacher, setTeacher] = useState('');
  const [preset, setPreset] = useState<PresetName>('quick');
  const [epochs, setEpochs] = useState(PRESETS.quick.values.epochs ?? '5');
  const [alpha, setAlpha] = useState('0.5');
  const [temperature, setTemperature] = useState(temperatureUsed);
  const [usePending, setUsePending] = useState(false);
  const [pendingAbove, setPendingAbove] = useState('0.9');
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState(false);
  const active = run?.state === 'running' || run?.state === 'starting';
  const chosen = teacher || teacherPicked || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await startTraining({
        ...toInput(presetForm(preset)),
        ...(num(epochs) !== undefined ? { epochs: num(epochs) } : {}),
        teacher: chosen || null,
        ...(num(alpha) !== undefined ? { alpha: num(alpha) } : {}),
        temperature: num(temperature) ?? null,
        pendingAbove: usePending ? (num(pendingAbove) ?? null) : null,
      });
      setStarted(true);
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card rounds-card" onSubmit={submit} noValidate data-testid="student-form">
      <h3>Train a student</h3>
      <p className="muted small">Learns from the human labels and the accepted and corrected pseudo-labels, matching the teacher's soft labels: α·T²·KL + (1−α)·CE.</p>
      <div className="presets">
        {(Object.keys(PRESETS) as PresetName[]).map((p) => (
          <button
            type="button"
            key={p}
            className={`preset${preset === p ? ' active' : ''}`}
            aria-pressed={preset === p}
            onClick={() => {
              setPreset(p);
              setEpochs(PRESETS[p].values.epochs ?? '10');
            }}
            data-testid={`student-preset-${p}`}
          >
            <b>{PRESETS[p].title}</b>
            <span>{PRESETS[p].blurb}</span>
          </button>
        ))}
      </div>
      <div className="form-grid">
        <label className="tfield span-2">
          <span>Teacher</span>
          <TeacherSelect value={chosen} onChange={setTeacher} testId="student-teacher" />
        </label>
        <label className="tfield" title="Passes over the training images">
          <span>Epochs</span>
          <input type="number" min={1} max={1000} step={1} value={epochs} onChange={(e) => setEpochs(e.target.value)} data-testid="student-epochs" />
        </label>
        <label className="tfield" title="Weight of the teacher's soft labels (0: hard labels only, 1: soft labels only)">
          <span>α (soft weight)</span>
          <input type="number" min={0} max={1} step={0.1} value={alpha} onChange={(e) => setAlpha(e.target.value)} data-testid="student-alpha" />
        </label>
        <label className="tfield" title="Temperature of the soft labels: the one used when pseudo-labeling">
          <span>Temperature</span>
          <input type="number" min={0.1} max={100} step={0.5} value={temperature} placeholder="as pseudo-labeled" onChange={(e) => setTemperature(e.target.value)} data-testid="student-temperature" />
        </label>
        <div className="tfield">
          <label className="check-line" title="Also learn from pending pseudo-labels the teacher is this sure of">
            <input type="checkbox" checked={usePending} onChange={(e) => setUsePending(e.target.checked)} data-testid="student-use-pending" />
            <span>Pending at or above</span>
          </label>
          <input type="number" min={0} max={1} step={0.05} value={pendingAbove} disabled={!usePending} onChange={(e) => setPendingAbove(e.target.value)} data-testid="student-pending-above" aria-label="Pending threshold" />
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || active || !chosen} data-testid="student-start">
          {active ? 'Training…' : 'Train student'}
        </button>
        {started && (
          <button type="button" className="link" onClick={() => goTab('train')}>
            Follow it in Train
          </button>
        )}
      </div>
    </form>
  );
}

/** Several rounds unattended: pseudo-label, auto-accept the confident ones, train a noisy student, repeat. */
function SelfTrainForm() {
  const teacherPicked = useStore(reviewTeacher);
  const [teacher, setTeacher] = useState('');
  const [roundsN, setRoundsN] = useState('2');
  const [acceptAbove, setAcceptAbove] = useState('0.9');
  const [epochs, setEpochs] = useState('5');
  const [busy, setBusy] = useState(false);
  const chosen = teacher || teacherPicked || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const train = num(epochs) !== undefined ? { epochs: num(epochs) } : {};
      await startJob({
        kind: 'self-train',
        input: { teacher: chosen, ...(num(roundsN) !== undefined ? { rounds: num(roundsN) } : {}), ...(num(acceptAbove) !== undefined ? { acceptAbove: num(acceptAbove) } : {}), train },
      });
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card rounds-card" onSubmit={submit} noValidate data-testid="self-train-form">
      <h3>Self-train</h3>
      <p className="muted small">Each round: the teacher pseudo-labels the unlabeled images, labels at or above the threshold are accepted, a noisy student learns, and the student teaches the next round.</p>
      <div className="form-grid">
        <label className="tfield span-2">
          <span>First teacher</span>
          <TeacherSelect value={chosen} onChange={setTeacher} testId="self-train-teacher" />
        </label>
        <label className="tfield">
          <span>Rounds</span>
          <input type="number" min={1} max={10} step={1} value={roundsN} onChange={(e) => setRoundsN(e.target.value)} data-testid="self-train-rounds" />
        </label>
        <label className="tfield" title="Pseudo-labels at or above this confidence are accepted automatically">
          <span>Accept at or above</span>
          <input type="number" min={0} max={1} step={0.05} value={acceptAbove} onChange={(e) => setAcceptAbove(e.target.value)} data-testid="self-train-accept" />
        </label>
        <label className="tfield">
          <span>Epochs per student</span>
          <input type="number" min={1} max={1000} step={1} value={epochs} onChange={(e) => setEpochs(e.target.value)} data-testid="self-train-epochs" />
        </label>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || !chosen} data-testid="self-train-start">
          Self-train {roundsN || 'N'} round{roundsN === '1' ? '' : 's'}
        </button>
      </div>
    </form>
  );
}
