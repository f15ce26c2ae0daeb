/**
 * The run report: small CSV/JSON tables written into every round (for the report and the notebooks,
 * which cannot read Parquet on Debian), {@code report.html} rebuilt after every committed round
 * with XChart charts inlined as SVG, and the driver's progress lines.
 */
package io.hardneg.spark.report;
