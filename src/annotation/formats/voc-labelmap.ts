/**
 * Class lists beside a Pascal VOC dataset:
 *   labels.txt    one name a line (Apprentice writes it: the exact class order)
 *   labelmap.txt  as Datumaro and CVAT write it:
 *                   # label:color_rgb:parts:actions
 *                   background:0,0,0::
 *                   person:192,128,128:head,hand,foot:jumping,phoning
 * `background` is the segmentation masks' class 0, not an object class: it is left out.
 * Part names (head, hand) are classes too, after the labels, in first-seen order (as Datumaro
 * orders them), since a <part> is a box of its own class.
 */

/** Read a labels list: one name a line, or a labelmap.txt (with its parts as classes). */
export function parseLabelList(text: string): string[] {
  const labels: string[] = [];
  const parts: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (!l || /^#/.test(l)) continue; // comments, Datumaro's header among them
    const m = /^(.*):([\d,\s]*):([^:]*):([^:]*)$/.exec(l); // name:r,g,b:parts:actions
    const name = m ? m[1]!.trim() : l;
    if (m && name === 'background') continue;
    if (name && !labels.includes(name)) labels.push(name);
    for (const p of m ? m[3]!.split(',') : []) if (p.trim() && !parts.includes(p.trim())) parts.push(p.trim());
  }
  return [...labels, ...parts.filter((p) => !labels.includes(p))];
}

/** The VOC palette colour of class index i (0 = background), as the devkit's bitwise colormap. */
export function vocColor(i: number): [number, number, number] {
  const rgb: [number, number, number] = [0, 0, 0];
  let id = i;
  for (let j = 7; j >= 0; j--) {
    for (let c = 0; c < 3; c++) rgb[c]! |= ((id >> c) & 1) << j;
    id >>= 3;
  }
  return rgb;
}

export interface LabelmapEntry {
  name: string;
  parts: string[];
  actions: string[];
}

/** labelmap.txt as Datumaro writes it: the header, background first, then each object class. */
export function writeLabelmap(entries: LabelmapEntry[]): string {
  const clean = (s: string): string => s.replace(/[\r\n,:]/g, ' ');
  const lines = ['# label:color_rgb:parts:actions', 'background:0,0,0::'];
  entries.forEach((e, i) => {
    lines.push(`${e.name.replace(/[\r\n]/g, ' ')}:${vocColor(i + 1).join(',')}:${e.parts.map(clean).join(',')}:${e.actions.map(clean).join(',')}`);
  });
  return lines.join('\n') + '\n';
}
