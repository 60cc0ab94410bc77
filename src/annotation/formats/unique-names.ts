import { extname } from 'node:path';

/**
 * File names for an export folder: the original name where it is free, else the name with a
 * short hash added, so two different images called "img_001.jpg" both survive.
 */
export class UniqueNames {
  private taken = new Set<string>();

  claim(folder: string, fileName: string, sha256: string): string {
    let name = fileName;
    if (this.taken.has(`${folder}/${name}`.toLowerCase())) {
      const ext = extname(fileName);
      name = `${fileName.slice(0, fileName.length - ext.length)}-${sha256.slice(0, 8)}${ext}`;
    }
    this.taken.add(`${folder}/${name}`.toLowerCase());
    return name;
  }
}

/** Export names: the base name where free, else "name-2.ext", unique by stem per folder. */
export class ExportNames {
  private taken = new Set<string>();

  claim(folder: string, file: string): string {
    const base = file.split(/[\\/]/).pop() || 'image';
    const dot = base.lastIndexOf('.');
    const stem = dot > 0 ? base.slice(0, dot) : base;
    const ext = dot > 0 ? base.slice(dot) : '';
    let name = base;
    let n = 1;
    while (this.taken.has(`${folder}/${stemOf(name)}`.toLowerCase())) name = `${stem}-${++n}${ext}`;
    this.taken.add(`${folder}/${stemOf(name)}`.toLowerCase());
    return name;
  }
}

export function stemOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
