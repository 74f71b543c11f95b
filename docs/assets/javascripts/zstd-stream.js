// zstd for the key checker's workers: the runtime's binary and stdlib are zstd-compressed
// at build time (tools/build_runtime.py), so that a host that compresses nothing still
// sends 2.9 MB, not 9.6 MB, and browsers have no zstd of their own in
// DecompressionStream. The decoder is npm's fzstd, published in the runtime's folder as
// zstd-decoder.js; it is imported only when a start needs it.

/** A TransformStream from zstd-compressed bytes to the original bytes. `runtime`: the
 * runtime folder's URL. */
export async function zstdDecompression(runtime) {
  const { Decompress } = await import(new URL("zstd-decoder.js", runtime).href);
  let decoder;
  return new TransformStream({
    start(controller) {
      decoder = new Decompress((chunk) => controller.enqueue(chunk));
    },
    transform(chunk) {
      decoder.push(chunk, false);
    },
    flush() {
      decoder.push(new Uint8Array(0), true);
    },
  });
}
