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
