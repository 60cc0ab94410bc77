/**
 * The project's models as the Models view sees them: the list from `models.list`, the one shown
 * in detail, up to three picked for side-by-side comparison, and a cache of `models.get` answers
 * (a model's details never change once it is recorded). Refetched on projectChanged 'models'.
 */
import { useEffect, useState } from 'react';
import type { ModelDetail, ModelInfo } from '../../src/api/types';
import type { MethodInput } from '../../src/api/methods';
import { api, ignore } from '../api';
import { project } from './project';
import { createStore } from './store';

export const MAX_COMPARE = 3;

/** null until the first answer. */
export const models = createStore<ModelInfo[] | null>(null);
/** The model shown in the detail panel. */
export const selectedModel = createStore<string | null>(null);
/** Models ticked for comparison, in the order they were ticked. */
export const compareIds = createStore<string[]>([]);

const details = new Map<string, Promise<ModelDetail>>();
let generation = 0;

export async function refreshModels(): Promise<void> {
  if (!project.get()) return;
  const g = generation;
  const list = await api.invoke('models.list', {});
  if (g !== generation) return;
  models.set(list);
  const ids = new Set(list.map((m) => m.id));
  compareIds.set((c) => (c.every((id) => ids.has(id)) ? c : c.filter((id) => ids.has(id))));
  const sel = selectedModel.get();
  if (sel === null || !ids.has(sel)) selectedModel.set(list[0]?.id ?? null);
}

export function resetModels(): void {
  generation++;
  details.clear();
  models.set(null);
  selectedModel.set(null);
  compareIds.set([]);
}

export function showModel(id: string): void {
  selectedModel.set(id);
}

export function toggleCompare(id: string): void {
  compareIds.set((c) => (c.includes(id) ? c.filter((x) => x !== id) : c.length >= MAX_COMPARE ? c : [...c, id]));
}

export function modelDetail(id: string): Promise<ModelDetail> {
  let p = details.get(id);
  if (!p) {
    p = api.invoke('models.get', { id });
    details.set(id, p);
    p.catch(() => details.delete(id));
  }
  return p;
}

/** Imports an ONNX model as a teacher and refreshes the list (a failed refresh was toasted). */
export async function importTeacher(input: MethodInput<'teachers.import'>): Promise<ModelInfo> {
  const model = await api.invoke('teachers.import', input);
  await refreshModels().catch(ignore);
  return model;
}

/** A teacher's class map as stored now (the cached details may predate an edit). */
export async function currentClassMap(id: string): Promise<ModelDetail['classMap']> {
  return (await api.invoke('models.get', { id })).classMap;
}

/** Stores which project class each teacher class labels; answers the map as stored. */
export async function setTeacherClassMap(model: string, map: Record<string, string | null>): Promise<ModelDetail['classMap']> {
  return (await api.invoke('teachers.setClassMap', { model, map })).classMap;
}

/** The details of `id` (null while loading or when there is no id). */
export function useModelDetail(id: string | null): ModelDetail | null {
  const [state, setState] = useState<{ id: string; detail: ModelDetail } | null>(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    modelDetail(id).then((d) => live && setState({ id, detail: d }), ignore);
    return () => {
      live = false;
    };
  }, [id]);
  return id && state?.id === id ? state.detail : null;
}

/** Details of several models, in the order asked; entries are null while loading. */
export function useModelDetails(ids: string[]): (ModelDetail | null)[] {
  const key = ids.join('\n');
  const [loaded, setLoaded] = useState<Map<string, ModelDetail>>(new Map());
  useEffect(() => {
    let live = true;
    for (const id of key ? key.split('\n') : []) {
      modelDetail(id).then((d) => live && setLoaded((m) => (m.get(id) === d ? m : new Map(m).set(id, d))), ignore);
    }
    return () => {
      live = false;
    };
  }, [key]);
  return ids.map((id) => loaded.get(id) ?? null);
}

let syncing = false;
export function startModelSync(): void {
  if (syncing) return;
  syncing = true;
  api.on('projectChanged', ({ what }) => {
    if (what === 'models' || what === 'project') refreshModels().catch(ignore);
  });
}
