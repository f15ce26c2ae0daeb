"""Apache Airflow DAG: scheduled hardneg retraining with SparkSubmitOperator.

Each DAG run trains into its own versioned run directory, <root>/runs/<ds_nodash>-<HHMMSS of
the logical date>; a retried or cleared task reuses that directory, so the job resumes after its
last committed round instead of starting over. The promote task moves <root>/current to the
new model only if its evaluation metric beats the current model's (atomic pointer replace; no
model is deleted) and records the decision in <run>/promotion.json.

Needs apache-airflow-providers-apache-spark and a Spark connection (conn id below) whose host is
the cluster's master (yarn, spark://..., k8s://...). Airflow Variables:
  hardneg_app_jar   path or URL of spark-job-*-app.jar (readable by spark-submit)
  hardneg_root      retraining root on a shared FileSystem, e.g. hdfs:///hardneg/retrain
  hardneg_conf      job configuration file, read by the driver: a local path where the driver
                    runs (client mode: the Airflow worker). In cluster mode ship it with
                    files=JOB_CONF and pass its base name instead.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

APP_JAR = Variable.get("hardneg_app_jar", default_var="/opt/hardneg/spark-job-0.1.0-SNAPSHOT-app.jar")
ROOT = Variable.get("hardneg_root", default_var="hdfs:///hardneg/retrain")
JOB_CONF = Variable.get("hardneg_conf", default_var="/opt/hardneg/hardneg.conf")
RUN_DIR = ROOT + "/runs/{{ logical_date.strftime('%Y%m%d-%H%M%S') }}"
CLOCK = "-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource"

# the same settings as conf/spark-defaults.conf (deploy/bin/submit passes that file)
SPARK_CONF = {
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrator": "io.hardneg.spark.HardnegKryoRegistrator",
    "spark.kryoserializer.buffer.max": "512m",
    "spark.sql.adaptive.enabled": "false",
    "spark.driver.extraJavaOptions": CLOCK + " --add-modules=jdk.incubator.vector",
    "spark.executor.extraJavaOptions": CLOCK + " --add-modules=jdk.incubator.vector"
    + " -Dorg.bytedeco.javacpp.maxbytes=3g -Dorg.bytedeco.javacpp.maxphysicalbytes=7g",
    "spark.executor.memoryOverhead": "4g",
}

with DAG(
    dag_id="hardneg_retrain",
    start_date=datetime(2026, 1, 1),
    schedule="0 3 * * *",
    catchup=False,
    max_active_runs=1,  # promotions must not interleave
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
    tags=["hardneg"],
) as dag:
    train = SparkSubmitOperator(
        task_id="train",
        conn_id="spark_default",
        application=APP_JAR,
        java_class="io.hardneg.spark.Main",
        conf=SPARK_CONF,
        executor_cores=2,
        executor_memory="4g",
        num_executors=4,
        application_args=["train", "--conf", JOB_CONF, "--out", RUN_DIR],
        execution_timeout=timedelta(hours=12),
    )
    promote = SparkSubmitOperator(
        task_id="promote",
        conn_id="spark_default",
        application=APP_JAR,
        java_class="io.hardneg.spark.run.Retraining",
        conf={"spark.submit.deployMode": "client"},
        application_args=["promote", "--root", ROOT, "--run", RUN_DIR, "--metric", "recall_at_1"],
    )
    train >> promote
