/**
 * Backups of the project's database: the list (newest first, with date, reason and size), "Back up
 * now", and "Restore", which asks first and says what will happen: the project goes back to that
 * moment, and the current state is kept as a "before restore" backup so the restore can be undone.
 * Images on disk are not part of a backup (they are content-addressed and never rewritten).
 */
import { useCallback, useEffect, useState } from 'react';
import type { BackupInfo } from '../../src/api/types';
import { createBackup, listBackups, restoreBackup } from '../state/backups';
import { ignore, showToast } from '../state/toasts';
import { ConfirmDialog } from './ConfirmDialog';
import { Modal } from './Modal';
import { when } from './format';

const REASONS: Record<string, string> = {
  auto: 'Automatic',
  manual: 'Manual',
  'before-restore': 'Before a restore',
  'before-migration': 'Before an update',
};

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function BackupsPanel() {
  const [list, setList] = useState<BackupInfo[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<BackupInfo | null>(null);

  const load = useCallback(async () => {
    setList(await listBackups());
  }, []);
  useEffect(() => {
    load().catch(ignore);
  }, [load]);

  const backUpNow = async () => {
    setBusy(true);
    try {
      const b = await createBackup();
      showToast('success', `Backed up (${bytes(b.size)}).`);
      await load();
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
    }
  };

  const restore = async (b: BackupInfo) => {
    setConfirm(null);
    setBusy(true);
    try {
      await restoreBackup(b.name);
      showToast('success', `Restored the backup of ${when(b.createdAt)}. The state before is kept as a "before restore" backup.`);
      await load();
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="backups-panel" data-testid="backups-panel">
      <div className="backups-actions">
        <p className="muted">
          Labels, classes, reviews and models are backed up every 30 minutes while the project is open. Image files are not copied: they never change once
          imported.
        </p>
        <button className="primary" onClick={() => void backUpNow()} disabled={busy} data-testid="backup-now">
          Back up now
        </button>
      </div>
      {list === null ? (
        <p className="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted" data-testid="backups-empty">
          No backups yet.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th>Taken</th>
                <th>Why</th>
                <th className="num">Size</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((b) => (
                <tr key={b.name} data-testid="backup-row" title={b.name}>
                  <td>{when(b.createdAt)}</td>
                  <td>{REASONS[b.reason] ?? b.reason}</td>
                  <td className="num">{bytes(b.size)}</td>
                  <td>
                    <button onClick={() => setConfirm(b)} disabled={busy} data-testid="backup-restore">
                      Restore
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {confirm && (
        <ConfirmDialog title="Restore this backup?" confirmLabel="Restore" danger onConfirm={() => void restore(confirm)} onCancel={() => setConfirm(null)}>
          <p>
            The project goes back to how it was on <strong>{when(confirm.createdAt)}</strong>: labels, classes, reviews and models made since then will be
            gone from it.
          </p>
          <p>Before that, the current state is saved as a &ldquo;Before a restore&rdquo; backup, so you can undo this by restoring that one.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

export function BackupsDialog({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Backups" onClose={onClose} wide>
      <BackupsPanel />
    </Modal>
  );
}
