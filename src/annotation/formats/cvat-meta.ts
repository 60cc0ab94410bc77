/**
 * The <meta> of a CVAT for images 1.1 file: the labels (of a task, a job or a project, in meta
 * order), how each label declares its attributes (input_type), and the subsets of a project's
 * tasks. A task export keeps its one subset in <meta><task><subset>; a project export names the
 * subset on every <image subset="...">.
 *   <meta><project><labels><label><name>cat</name>
 *     <attributes><attribute><name>age</name><input_type>number</input_type>...</attribute></attributes>
 *   </label></labels><tasks><task><id>3</id><subset>Train</subset>...</task></tasks></project></meta>
 */
import { childElement, childElements, type XmlElement } from './xml';

export interface CvatMeta {
  /** Label names in meta order; skeleton points (labels with a <parent>) are left out. */
  labels: string[];
  /** label -> attribute name -> input_type (select, radio, checkbox, number, text). */
  attributeTypes: Map<string, Map<string, string>>;
  /** The subsets the meta names (project tasks, or the one task), in order, deduplicated. */
  subsets: string[];
}

function labelsOf(holder: XmlElement, meta: CvatMeta): void {
  const labels = childElement(holder, 'labels');
  if (!labels) return;
  for (const l of childElements(labels, 'label')) {
    const name = childElement(l, 'name')?.text.trim();
    if (!name || childElement(l, 'parent')) continue;
    if (!meta.labels.includes(name)) meta.labels.push(name);
    const types = meta.attributeTypes.get(name) ?? new Map<string, string>();
    for (const a of childElements(childElement(l, 'attributes') ?? l, 'attribute')) {
      const an = childElement(a, 'name')?.text.trim();
      const type = childElement(a, 'input_type')?.text.trim().toLowerCase();
      if (an && type) types.set(an, type);
    }
    meta.attributeTypes.set(name, types);
  }
}

function subsetOf(task: XmlElement, meta: CvatMeta): void {
  const s = childElement(task, 'subset')?.text.trim();
  if (s && !meta.subsets.includes(s)) meta.subsets.push(s);
}

export function readCvatMeta(root: XmlElement): CvatMeta {
  const meta: CvatMeta = { labels: [], attributeTypes: new Map(), subsets: [] };
  const m = childElement(root, 'meta');
  if (!m) return meta;
  for (const holder of m.children) {
    labelsOf(holder, meta);
    if (holder.name === 'task') subsetOf(holder, meta);
    if (holder.name === 'project') {
      for (const t of childElements(childElement(holder, 'tasks') ?? holder, 'task')) {
        labelsOf(t, meta); // older project exports repeat the labels under each task
        subsetOf(t, meta);
      }
    }
    if (holder.name === 'job') {
      const t = childElement(holder, 'task');
      if (t) subsetOf(t, meta);
    }
  }
  return meta;
}
