/** The size and channels a model's input has. */
export interface PixelSpec {
  height: number;
  width: number;
  channels: 1 | 3;
}
