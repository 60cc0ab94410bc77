/**
 * One Pascal VOC <object> -> boxes of the model:
 *   <object><name>person</name><pose>Left</pose><truncated>0</truncated><occluded>1</occluded>
 *     <difficult>0</difficult><bndbox><xmin/><ymin/><xmax/><ymax/></bndbox>
 *     <part><name>head</name><bndbox>...</bndbox></part>
 *     <actions><jumping>1</jumping><phoning>0</phoning></actions>
 *     <attributes><attribute><name>k</name><value>v</value></attribute></attributes>  (Datumaro)
 *   </object>
 * Flags become difficult/truncated/occluded; pose (when not VOC's "Unspecified") and the others
 * become attributes (`pose`, `action.<name>` = boolean, Datumaro's by name). A part is a box of
 * its own class sharing a `group` with its object.
 */
import type { AnnotationExtras, AttributeValue, DatasetAnnotation, Size } from './dataset';
import { parseNumber } from './numbers';
import { checkPixelBox } from './geometry-checks';
import { at, childElement, childElements, childText, type XmlElement } from './xml';

export interface ObjectContext {
  size: Size;
  classIndex: (name: string) => number;
  problem: (where: string, reason: string) => void;
  /** The next free group number of this image (objects with parts take one each). */
  nextGroup: () => number;
}

type Box = Extract<DatasetAnnotation, { kind: 'box' }>;

/** <bndbox> in pixels -> a normalized box, or undefined after reporting why. */
function readBndbox(owner: XmlElement, what: string, ctx: ObjectContext): Omit<Box, 'classIndex'> | undefined {
  const box = childElement(owner, 'bndbox');
  if (!box) {
    ctx.problem(at(owner), `${what} has no <bndbox>`);
    return undefined;
  }
  const v: number[] = [];
  for (const k of ['xmin', 'ymin', 'xmax', 'ymax']) {
    const el = childElement(box, k);
    if (!el) {
      ctx.problem(at(box), `missing <${k}> in <bndbox>`);
      return undefined;
    }
    const n = parseNumber(el.text);
    if (Number.isNaN(n)) {
      ctx.problem(at(el), `bad number "${el.text.trim()}" in <${k}>`);
      return undefined;
    }
    v.push(n);
  }
  const [xmin, ymin, xmax, ymax] = v as [number, number, number, number];
  if (xmax < xmin || ymax < ymin) {
    ctx.problem(at(box), `negative box size: xmax ${xmax} < xmin ${xmin} or ymax ${ymax} < ymin ${ymin}`);
    return undefined;
  }
  const b = checkPixelBox(xmin, ymin, xmax - xmin, ymax - ymin, ctx.size);
  if (!b.ok) {
    ctx.problem(at(box), b.reason);
    return undefined;
  }
  return { kind: 'box', x: b.x, y: b.y, w: b.w, h: b.h };
}

/** A 0/1 element (<difficult>1</difficult>); "true"/"false" too, as some tools write. */
function readFlag(el: XmlElement, ctx: ObjectContext): boolean | undefined {
  const t = el.text.trim().toLowerCase();
  if (t === '0' || t === 'false') return false;
  if (t === '1' || t === 'true') return true;
  ctx.problem(at(el), `<${el.name}> must be 0 or 1, got "${el.text.trim()}"`);
  return undefined;
}

/** The object and its parts, in file order (object first); [] after reporting a problem. */
export function readVocObject(obj: XmlElement, ctx: ObjectContext): DatasetAnnotation[] {
  const name = childText(obj, 'name');
  if (!name) {
    ctx.problem(at(obj), 'an <object> without <name>');
    return [];
  }
  const geometry = readBndbox(obj, `the object "${name}"`, ctx);
  if (!geometry) return [];
  const classIndex = ctx.classIndex(name); // before its parts: the object's class comes first
  const extras: AnnotationExtras = {};
  for (const flag of ['difficult', 'truncated', 'occluded'] as const) {
    const el = childElement(obj, flag);
    if (!el) continue;
    const v = readFlag(el, ctx);
    if (v === undefined) return []; // a broken flag says the file is not what we think: refuse the object
    extras[flag] = v;
  }
  const attributes: Record<string, AttributeValue> = {};
  const pose = childText(obj, 'pose');
  if (pose && pose !== 'Unspecified') attributes.pose = pose;
  for (const actions of childElements(obj, 'actions')) {
    for (const a of actions.children) {
      const v = readFlag(a, ctx);
      if (v !== undefined) attributes[`action.${a.name}`] = v;
    }
  }
  for (const list of childElements(obj, 'attributes')) {
    for (const a of childElements(list, 'attribute')) {
      const k = childText(a, 'name');
      if (!k) ctx.problem(at(a), 'an <attribute> without <name> is ignored');
      else attributes[k] = childElement(a, 'value')?.text ?? '';
    }
  }
  if (Object.keys(attributes).length) extras.attributes = attributes;

  const parts: Box[] = [];
  for (const p of childElements(obj, 'part')) {
    const pn = childText(p, 'name');
    if (!pn) {
      ctx.problem(at(p), `a <part> of "${name}" without <name>`);
      continue;
    }
    const g = readBndbox(p, `the part "${pn}" of "${name}"`, ctx);
    if (g) parts.push({ ...g, classIndex: ctx.classIndex(pn) });
  }
  const object: Box = { ...geometry, classIndex, ...extras };
  if (!parts.length) return [object];
  const group = ctx.nextGroup();
  return [{ ...object, group }, ...parts.map((p) => ({ ...p, group }))];
}
