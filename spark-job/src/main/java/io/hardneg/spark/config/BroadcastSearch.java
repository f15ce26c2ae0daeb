package io.hardneg.spark.config;

/** Exact search; the embedding table is broadcast to every task. */
public record BroadcastSearch() implements SearchSettings {
  @Override
  public String label() {
    return "broadcast";
  }
}
