package io.hardneg.spark.stage.search;

import io.hardneg.core.search.AnchorCandidates;
import io.hardneg.core.search.SearchReport;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * Search output: every query anchor exactly once, what the placement reports about itself, and what
 * to release once the candidates are no longer needed (cached tables, broadcasts).
 */
public record SearchResult(
    JavaRDD<AnchorCandidates> candidates, SearchReport report, List<Runnable> cleanup) {}
