package io.hardneg.core.data;

import io.hardneg.core.util.Seeds;
import java.util.Random;

/**
 * Near-duplicate views of square grey images, for a many-class retrieval task: each source image is
 * a class and its items are views made by small, label-preserving augmentations, applied in this
 * order:
 *
 * <ol>
 *   <li>an affine resampling about the image centre — rotation, scale (a zoom above 1 is a crop
 *       resized back), shift — with bilinear sampling and zero (background) outside the image;
 *   <li>contrast and brightness: {@code v' = (v − mean)·gain + mean + bias}, gain &gt; 0, so the
 *       order of pixel values is kept;
 *   <li>Gaussian pixel noise;
 *   <li>random erasing (cutout): with a probability, one rectangle set to 0;
 *   <li>clamping to [0, 1] and rounding to multiples of 1/255, so a view is an 8-bit image like its
 *       source (and Parquet's dictionary encoding stores it compactly).
 * </ol>
 *
 * <p>Every random choice of a view derives from {@code Seeds.of(seed, source, view)} ({@link
 * #draw}), so any subset of sources regenerates identically, in any order or partitioning. The
 * default {@link Strength} keeps a view recognisably its source (a view's nearest other item by
 * pixel distance is another view of its source for most Fashion-MNIST images; {@code
 * NearDuplicateViewsTest} measures it). {@link StrictMath} and {@link Random} make a view the same
 * bytes on every JVM.
 */
public final class NearDuplicateViews {
  private NearDuplicateViews() {}

  /**
   * How strong the augmentations may be; each view draws its parameters uniformly in these ranges.
   *
   * @param maxShift largest shift in pixels, per axis ({@code dx, dy ∈ [−maxShift, maxShift]})
   * @param maxRotationDegrees largest rotation, either way
   * @param maxScaleChange scale drawn in {@code [1 − c, 1 + c]}
   * @param maxContrastChange gain drawn in {@code [1 − c, 1 + c]} (below 1)
   * @param maxBrightness bias drawn in {@code [−b, b]}
   * @param noiseSigma standard deviation of the Gaussian noise per pixel
   * @param eraseProbability probability that a view has an erased rectangle
   * @param eraseMaxArea largest erased area as a fraction of the image; the smallest is a fifth of
   *     it
   */
  public record Strength(
      double maxShift,
      double maxRotationDegrees,
      double maxScaleChange,
      double maxContrastChange,
      double maxBrightness,
      double noiseSigma,
      double eraseProbability,
      double eraseMaxArea) {
    /** The generator's defaults (docs/benchmarks.md, many-class task). */
    public static final Strength DEFAULT = new Strength(1, 5, 0.05, 0.2, 0.05, 0.03, 0.5, 0.05);

    /** No augmentation: every view equals its source (rounded to 1/255). */
    public static final Strength NONE = new Strength(0, 0, 0, 0, 0, 0, 0, 0);

    public Strength {
      check("maxShift", maxShift, 0, 8);
      check("maxRotationDegrees", maxRotationDegrees, 0, 45);
      check("maxScaleChange", maxScaleChange, 0, 0.5);
      check("maxContrastChange", maxContrastChange, 0, 0.9);
      check("maxBrightness", maxBrightness, 0, 0.5);
      check("noiseSigma", noiseSigma, 0, 0.5);
      check("eraseProbability", eraseProbability, 0, 1);
      check("eraseMaxArea", eraseMaxArea, 0, 0.5);
    }

    private static void check(String name, double v, double lo, double hi) {
      if (!(v >= lo && v <= hi)) {
        throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], got " + v);
      }
    }
  }

  /**
   * The parameters of one view.
   *
   * @param angle rotation in radians (counter-clockwise on the screen: y grows downwards)
   * @param scale zoom factor about the centre
   * @param dx shift right in pixels
   * @param dy shift down in pixels
   * @param gain contrast factor about the image mean (&gt; 0)
   * @param bias brightness offset
   * @param sigma noise standard deviation
   * @param noiseSeed seed of the per-pixel noise
   * @param erase the erased rectangle, or null
   */
  public record Draw(
      double angle,
      double scale,
      double dx,
      double dy,
      double gain,
      double bias,
      double sigma,
      long noiseSeed,
      Rect erase) {}

  /** A rectangle of pixels: columns {@code [x, x + w)}, rows {@code [y, y + h)}. */
  public record Rect(int x, int y, int w, int h) {
    /** Whether pixel (column {@code cx}, row {@code cy}) lies inside. */
    public boolean contains(int cx, int cy) {
      return cx >= x && cx < x + w && cy >= y && cy < y + h;
    }
  }

  /** View {@code view} of source image {@code source}: {@code apply(src, side, draw(...))}. */
  public static float[] view(float[] src, int side, Strength s, long seed, long source, int view) {
    return apply(src, side, draw(s, side, seed, source, view));
  }

  /**
   * The parameters of view {@code view} of source {@code source}, from {@code Seeds.of(seed,
   * source, view)} alone. The same number of values is drawn whatever the strength, so a weaker
   * strength changes the amounts, not which random numbers feed which transform.
   */
  public static Draw draw(Strength s, int side, long seed, long source, int view) {
    Random rnd = new Random(Seeds.of(seed, source, view));
    double angle = StrictMath.toRadians(s.maxRotationDegrees() * symmetric(rnd));
    double scale = 1 + s.maxScaleChange() * symmetric(rnd);
    double dx = s.maxShift() * symmetric(rnd);
    double dy = s.maxShift() * symmetric(rnd);
    double gain = 1 + s.maxContrastChange() * symmetric(rnd);
    double bias = s.maxBrightness() * symmetric(rnd);
    long noiseSeed = rnd.nextLong();
    boolean erase = rnd.nextDouble() < s.eraseProbability();
    double area = s.eraseMaxArea() * (0.2 + 0.8 * rnd.nextDouble()) * side * side;
    double aspect =
        StrictMath.exp(StrictMath.log(2) * symmetric(rnd)); // width / height in [1/2, 2]
    double ex = rnd.nextDouble();
    double ey = rnd.nextDouble();
    Rect rect = null;
    if (erase && area >= 1) {
      int w = clamp((int) Math.round(StrictMath.sqrt(area * aspect)), 1, side);
      int h = clamp((int) Math.round(StrictMath.sqrt(area / aspect)), 1, side);
      rect = new Rect((int) (ex * (side - w + 1)), (int) (ey * (side - h + 1)), w, h);
    }
    return new Draw(angle, scale, dx, dy, gain, bias, s.noiseSigma(), noiseSeed, rect);
  }

  /** Applies a drawn view to a source image ({@code side × side}, row-major, values in [0, 1]). */
  public static float[] apply(float[] src, int side, Draw d) {
    if (src.length != side * side) {
      throw new IllegalArgumentException(
          "image has " + src.length + " pixels, expected " + side + "x" + side);
    }
    float[] img = affine(src, side, d.angle(), d.scale(), d.dx(), d.dy());
    contrast(img, d.gain(), d.bias());
    noise(img, d.sigma(), new Random(d.noiseSeed()));
    if (d.erase() != null) {
      erase(img, side, d.erase());
    }
    quantise(img);
    return img;
  }

  /**
   * Resamples {@code src} under rotation by {@code angle}, zoom by {@code scale} (both about the
   * image centre) and then a shift by ({@code dx}, {@code dy}) pixels: output pixel {@code p} takes
   * the bilinear value of the source at {@code R⁻¹(p − c − d) / scale + c}, zero outside. An
   * integer shift without rotation or zoom moves pixels exactly; the identity returns a copy.
   */
  public static float[] affine(
      float[] src, int side, double angle, double scale, double dx, double dy) {
    float[] out = new float[side * side];
    double c = side / 2.0;
    double cos = StrictMath.cos(angle) / scale;
    double sin = StrictMath.sin(angle) / scale;
    for (int y = 0; y < side; y++) {
      double py = y + 0.5 - c - dy;
      for (int x = 0; x < side; x++) {
        double px = x + 0.5 - c - dx;
        // inverse rotation of (px, py), then back to pixel-index coordinates
        double sx = cos * px + sin * py + c - 0.5;
        double sy = -sin * px + cos * py + c - 0.5;
        out[y * side + x] = bilinear(src, side, sx, sy);
      }
    }
    return out;
  }

  private static float bilinear(float[] src, int side, double sx, double sy) {
    int x0 = (int) Math.floor(sx);
    int y0 = (int) Math.floor(sy);
    double fx = sx - x0;
    double fy = sy - y0;
    double top = (1 - fx) * at(src, side, x0, y0) + fx * at(src, side, x0 + 1, y0);
    double bottom = (1 - fx) * at(src, side, x0, y0 + 1) + fx * at(src, side, x0 + 1, y0 + 1);
    return (float) ((1 - fy) * top + fy * bottom);
  }

  private static double at(float[] src, int side, int x, int y) {
    return x < 0 || y < 0 || x >= side || y >= side ? 0 : src[y * side + x];
  }

  /**
   * {@code v ← (v − mean)·gain + mean + bias} over the image, clamped to [0, 1]: a gain above 0
   * keeps the order of pixel values (ties may appear only at the clamp).
   */
  public static void contrast(float[] img, double gain, double bias) {
    if (!(gain > 0)) {
      throw new IllegalArgumentException("contrast gain must be > 0, got " + gain);
    }
    double mean = 0;
    for (float v : img) {
      mean += v;
    }
    mean /= img.length;
    for (int i = 0; i < img.length; i++) {
      img[i] = (float) clamp01((img[i] - mean) * gain + mean + bias);
    }
  }

  /** Adds Gaussian noise of standard deviation {@code sigma} to every pixel, clamped to [0, 1]. */
  public static void noise(float[] img, double sigma, Random rnd) {
    for (int i = 0; i < img.length; i++) {
      double g = rnd.nextGaussian(); // drawn even at sigma 0: the stream stays aligned
      if (sigma > 0) {
        img[i] = (float) clamp01(img[i] + sigma * g);
      }
    }
  }

  /** Sets the pixels of {@code r} (clipped to the image) to 0. */
  public static void erase(float[] img, int side, Rect r) {
    for (int y = Math.max(0, r.y()); y < Math.min(side, r.y() + r.h()); y++) {
      for (int x = Math.max(0, r.x()); x < Math.min(side, r.x() + r.w()); x++) {
        img[y * side + x] = 0;
      }
    }
  }

  /** Clamps to [0, 1] and rounds every pixel to the nearest multiple of 1/255. */
  public static void quantise(float[] img) {
    for (int i = 0; i < img.length; i++) {
      img[i] = Math.round(clamp01(img[i]) * 255) / 255f;
    }
  }

  /** Pixels of an 8-bit image scaled to [0, 1], as the IDX reader scales them. */
  public static float[] pixels(byte[] data, int offset, int length) {
    float[] out = new float[length];
    for (int i = 0; i < length; i++) {
      out[i] = (data[offset + i] & 0xff) / 255f;
    }
    return out;
  }

  private static double symmetric(Random rnd) {
    return 2 * rnd.nextDouble() - 1;
  }

  private static double clamp01(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
