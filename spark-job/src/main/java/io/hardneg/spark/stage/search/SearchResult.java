package io.hardneg.spark.stage.search;

import io.hardneg.core.search.AnchorCandidates;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;

/**
 * Search output: every query anchor exactly once, what the placement reports about itself, and
 * what to release once the candidates are no longer needed (cached tables, broadcasts).
 */
public record SearchResult(JavaRDD<AnchorCandidates> candidates, Map<String, Object> report,
    List<Runnable> cleanup) {}
