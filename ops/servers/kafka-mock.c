/* A Kafka cluster for tests and local runs: librdkafka's mock cluster, which speaks the Kafka protocol on loopback,
 * kept in a process of its own so that it outlives the clients it serves (an exporter killed and restarted finds its
 * topics as it left them). Prints "bootstrap HOST:PORT,..." once it listens; then reads commands on stdin, answering
 * each with one line: "down ID" / "up ID" take a broker off the network and back. Runs until killed.
 * Topics given as NAME:PARTITIONS are created at start; others are created with 4 partitions when first named. The mock
 * keeps at most about 5 MB per partition (older messages are dropped), so a test that writes a lot asks for more
 * partitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

int main(int argc, char **argv) {
        char errstr[512], line[256];
        int brokers = argc > 1 ? atoi(argv[1]) : 3, id, i;
        if (brokers < 1) {
                fprintf(stderr, "usage: kafka-mock BROKERS [TOPIC:PARTITIONS ...]\n");
                return 2;
        }
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
        if (!rk) {
                fprintf(stderr, "kafka-mock: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, brokers);
        if (!cluster) {
                fprintf(stderr, "kafka-mock: cannot start the mock cluster\n");
                return 1;
        }
        for (i = 2; i < argc; i++) {
                char topic[256];
                int partitions;
                if (sscanf(argv[i], "%255[^:]:%d", topic, &partitions) != 2 || partitions < 1) {
                        fprintf(stderr, "kafka-mock: \"%s\" is not TOPIC:PARTITIONS\n", argv[i]);
                        return 2;
                }
                if (rd_kafka_mock_topic_create(cluster, topic, partitions, brokers < 3 ? brokers : 3)) {
                        fprintf(stderr, "kafka-mock: cannot create %s\n", topic);
                        return 1;
                }
        }
        printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(cluster));
        fflush(stdout);
        while (fgets(line, sizeof line, stdin)) {
                rd_kafka_resp_err_t err;
                if (sscanf(line, "down %d", &id) == 1) {
                        err = rd_kafka_mock_broker_set_down(cluster, id);
                        printf("down %d %s\n", id, rd_kafka_err2str(err));
                } else if (sscanf(line, "up %d", &id) == 1) {
                        err = rd_kafka_mock_broker_set_up(cluster, id);
                        printf("up %d %s\n", id, rd_kafka_err2str(err));
                } else {
                        printf("unknown command\n");
                }
                fflush(stdout);
        }
        /* No more commands (stdin closed or /dev/null): serve until killed. */
        for (;;) pause();
}
