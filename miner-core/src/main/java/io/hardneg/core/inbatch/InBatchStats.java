package io.hardneg.core.inbatch;

import io.hardneg.core.mining.MinedKind;
import io.hardneg.core.mining.MiningCounts;
import java.util.Set;

/**
 * Mining statistics of one batch: the shared {@link MiningCounts} (anchors seen, anchors skipped
 * for no positive or no negative, tuples by {@link MinedKind}), plus (anchor, positive) pairs for
 * which the rule admitted nothing, fallbacks, the loss's active fraction (terms with a non-zero
 * loss over all terms), and histograms of {@code D(a,p)}, {@code D(a,n)} and {@code D(a,n) −
 * D(a,p)} over the mined tuples (for pair tuples: {@code D} of positive pairs and of negative
 * pairs; no difference). Ranges: {@code D} between unit vectors ({@link
 * io.hardneg.core.distance.Distance#unitLo()}). Batches add up with {@link #merge}.
 */
public final class InBatchStats extends MiningCounts {
  private static final long serialVersionUID = 1L;
  public static final int BINS = 20;

  private long noCandidate;
  private long fallbacks;
  private long terms;
  private long activeTerms;
  private final Histogram ap;
  private final Histogram an;
  private final Histogram gap;

  /** Histograms over {@code [lo, hi)} for D, and {@code ±(hi − lo)} for the difference. */
  public InBatchStats(double lo, double hi) {
    ap = new Histogram(lo, hi, BINS);
    an = new Histogram(lo, hi, BINS);
    gap = new Histogram(-(hi - lo), hi - lo, BINS);
  }

  @Override
  protected Set<MinedKind> kinds() {
    return MinedKind.IN_BATCH;
  }

  /** An anchor (or anchor-positive pair) for which the miner's rule admitted no tuple. */
  public void addNoCandidate() {
    noCandidate++;
  }

  /** Semi-hard found nothing and its fallback ({@code hard} or {@code nearest-beyond}) ran. */
  public void addFallback() {
    fallbacks++;
  }

  /** Records one mined triplet's distances. */
  public void addTriplet(double dap, double dan) {
    ap.add(dap);
    an.add(dan);
    gap.add(dan - dap);
  }

  public void addPositivePair(double d) {
    ap.add(d);
  }

  public void addNegativePair(double d) {
    an.add(d);
  }

  /** Records the loss's terms: how many, and how many were non-zero. */
  public void setTerms(long terms, long active) {
    this.terms = terms;
    this.activeTerms = active;
  }

  /** Adds another batch's statistics (same distance range) into these; returns this. */
  public InBatchStats merge(InBatchStats o) {
    addCounts(o);
    noCandidate += o.noCandidate;
    fallbacks += o.fallbacks;
    terms += o.terms;
    activeTerms += o.activeTerms;
    ap.merge(o.ap);
    an.merge(o.an);
    gap.merge(o.gap);
    return this;
  }

  public long noCandidate() {
    return noCandidate;
  }

  public long fallbacks() {
    return fallbacks;
  }

  public long terms() {
    return terms;
  }

  public long activeTerms() {
    return activeTerms;
  }

  /** Non-zero loss terms over all terms; 0 when there were none. */
  public double activeFraction() {
    return terms == 0 ? 0 : (double) activeTerms / terms;
  }

  public Histogram apHistogram() {
    return ap;
  }

  public Histogram anHistogram() {
    return an;
  }

  /** Histogram of {@code D(a,n) − D(a,p)} (triplets only). */
  public Histogram gapHistogram() {
    return gap;
  }

  @Override
  public String toString() {
    return countsString("tuples")
        + " noCandidate="
        + noCandidate
        + " fallbacks="
        + fallbacks
        + " active="
        + activeTerms
        + "/"
        + terms;
  }
}
