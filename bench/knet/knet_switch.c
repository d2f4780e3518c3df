/*
 * The libknet baseline of `bench/run switch`: the same traffic as hooknet's channel switching benchmark, run
 * through libknet itself. Two knet handles (host ids 1 and 2) in this process are linked over UDP on
 * 127.0.0.1; packets written into the application side of handle 1's datafd on channel 0 are read from the
 * application side of handle 2's datafd on channel 0.
 *
 * Every packet's first 4 bytes number it (big endian). The reader checks each packet's length and number:
 * a number behind the expected one is a reordering or duplicate (the run fails), a number ahead counts the
 * skipped ones as lost (UDP has no retransmission; the run fails when more than 1% are lost). The writer keeps
 * at most a window of packets (256, or 2 MiB of data, whichever is less) ahead of the reader, as hooknet's
 * switch does with its send window, so that loss measures libknet rather than an overrun socket buffer.
 *
 * Usage: knet_switch SIZES MEGABYTES MAX_PACKETS RUNS
 *   e.g. knet_switch 64,1024,65536 128 50000 3
 * Prints one line per size: "knet size=S packets=N pps=P lost=L", P the median of RUNS runs and L the packets
 * lost in all of them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libknet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WINDOW_PACKETS 256
#define WINDOW_BYTES (2 * 1024 * 1024)
#define IDLE_MILLIS 2000

static atomic_long faults;

static void die(const char *what) {
  fprintf(stderr, "knet_switch: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void sock_notify(void *data, int datafd, int8_t channel, uint8_t tx_rx, int error, int errorno) {
  (void) data;
  atomic_fetch_add(&faults, 1);
  fprintf(stderr, "knet_switch: sock notify datafd %d channel %d %s error %d errno %d\n", datafd, channel,
      tx_rx == KNET_NOTIFY_TX ? "TX" : "RX", error, errorno);
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A UDP port on 127.0.0.1 that was free a moment ago. */
static int free_udp_port(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, (struct sockaddr *) &addr, sizeof addr) || getsockname(fd, (struct sockaddr *) &addr, &len)) {
    die("finding a free UDP port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

static void loopback(struct sockaddr_storage *ss, int port) {
  char text[16];
  snprintf(text, sizeof text, "%d", port);
  if (knet_strtoaddr("127.0.0.1", text, ss, sizeof *ss)) {
    die("knet_strtoaddr");
  }
}

/* A handle with host id `self` linked to host `peer`, forwarding, with a knet-made datafd on channel 0. */
static knet_handle_t handle(knet_node_id_t self, knet_node_id_t peer, int src_port, int dst_port, int *app_fd) {
  knet_handle_t h = knet_handle_new_ex(self, 0, KNET_LOG_ERR, KNET_HANDLE_FLAG_PRIVILEGED);
  if (!h) {
    h = knet_handle_new_ex(self, 0, KNET_LOG_ERR, 0);
  }
  if (!h) {
    die("knet_handle_new_ex");
  }
  int8_t channel = 0;
  *app_fd = 0;
  struct sockaddr_storage src, dst;
  loopback(&src, src_port);
  loopback(&dst, dst_port);
  if (knet_handle_enable_sock_notify(h, NULL, sock_notify) || knet_handle_add_datafd(h, app_fd, &channel)
      || knet_host_add(h, peer) || knet_link_set_config(h, peer, 0, KNET_TRANSPORT_UDP, &src, &dst, 0)
      || knet_link_set_enable(h, peer, 0, 1) || knet_handle_pmtud_setfreq(h, 1) || knet_handle_setfwd(h, 1)) {
    die("setting up a knet handle");
  }
  int flags = fcntl(*app_fd, F_GETFL);
  fcntl(*app_fd, F_SETFL, flags & ~O_NONBLOCK);
  return h;
}

static void await_link(knet_handle_t a, knet_handle_t b) {
  double deadline = now_seconds() + 30;
  for (;;) {
    struct knet_host_status sa, sb;
    unsigned int mtu_a = 0, mtu_b = 0;
    if (knet_host_get_status(a, 2, &sa) || knet_host_get_status(b, 1, &sb) || knet_handle_pmtud_get(a, &mtu_a)
        || knet_handle_pmtud_get(b, &mtu_b)) {
      die("reading the link status");
    }
    /* Wait for the path MTU discovery too, so that large packets are not split at the 576-byte default. */
    if (sa.reachable && sb.reachable && mtu_a > 1500 && mtu_b > 1500) {
      return;
    }
    if (now_seconds() > deadline) {
      fprintf(stderr, "knet_switch: the link did not come up in 30 s (mtu %u/%u)\n", mtu_a, mtu_b);
      exit(2);
    }
    usleep(10000);
  }
}

struct transfer {
  int from, to, size;
  long packets;
  atomic_long received_up_to; /* one past the highest number read */
  atomic_int stop;
};

static void *writer(void *arg) {
  struct transfer *t = arg;
  unsigned char *payload = calloc(1, t->size);
  long window = WINDOW_BYTES / t->size;
  window = window < 1 ? 1 : window > WINDOW_PACKETS ? WINDOW_PACKETS : window;
  for (long i = 0; i < t->packets && !atomic_load(&t->stop); i++) {
    while (i - atomic_load(&t->received_up_to) >= window && !atomic_load(&t->stop)) {
      sched_yield();
    }
    uint32_t number = htonl((uint32_t) i);
    memcpy(payload, &number, 4);
    if (write(t->from, payload, t->size) != t->size) {
      die("writing a packet to the datafd");
    }
  }
  free(payload);
  return NULL;
}

/* Sends t->packets packets of t->size bytes; gives packets delivered per second and sets *lost. */
static double transfer(struct transfer *t, long *lost) {
  static unsigned char buffer[KNET_MAX_PACKET_SIZE + 1];
  pthread_t thread;
  atomic_store(&t->received_up_to, 0);
  atomic_store(&t->stop, 0);
  double start = now_seconds();
  if (pthread_create(&thread, NULL, writer, t)) {
    die("pthread_create");
  }
  long expected = 0, delivered = 0;
  struct pollfd pfd = {.fd = t->to, .events = POLLIN};
  while (expected < t->packets) {
    int ready = poll(&pfd, 1, IDLE_MILLIS);
    if (ready < 0) {
      die("poll");
    }
    if (ready == 0) {
      break; /* the rest was lost */
    }
    ssize_t got = read(t->to, buffer, sizeof buffer);
    if (got < 0) {
      die("reading a packet from the datafd");
    }
    uint32_t number;
    memcpy(&number, buffer, 4);
    number = ntohl(number);
    if (got != t->size || number < expected) {
      fprintf(stderr, "knet_switch: expected packet %ld of %d bytes, got packet %u of %zd\n", expected, t->size,
          number, got);
      exit(1);
    }
    expected = number + 1;
    delivered++;
    atomic_store(&t->received_up_to, expected);
  }
  double elapsed = now_seconds() - start - (expected < t->packets ? IDLE_MILLIS / 1000.0 : 0);
  atomic_store(&t->stop, 1);
  pthread_join(thread, NULL);
  *lost = t->packets - delivered;
  return delivered / elapsed;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: knet_switch SIZES MEGABYTES MAX_PACKETS RUNS\n");
    return 2;
  }
  long megabytes = atol(argv[2]), max_packets = atol(argv[3]);
  int runs = atoi(argv[4]);
  if (runs < 1 || runs > 99) {
    fprintf(stderr, "knet_switch: RUNS must be 1-99\n");
    return 2;
  }
  int port1 = free_udp_port(), port2 = free_udp_port();
  int fd1, fd2;
  knet_handle_t h1 = handle(1, 2, port1, port2, &fd1);
  knet_handle_t h2 = handle(2, 1, port2, port1, &fd2);
  await_link(h1, h2);
  char *sizes = strdup(argv[1]);
  int failed = 0;
  for (char *item = strtok(sizes, ","); item; item = strtok(NULL, ",")) {
    struct transfer t = {.from = fd1, .to = fd2, .size = atoi(item)};
    if (t.size < 4 || t.size > KNET_MAX_PACKET_SIZE) {
      fprintf(stderr, "knet_switch: size %d is outside 4-%d\n", t.size, KNET_MAX_PACKET_SIZE);
      return 2;
    }
    long packets = megabytes * 1000000 / t.size;
    packets = packets < 100 ? 100 : packets > max_packets ? max_packets : packets;
    long lost, lost_all = 0;
    t.packets = packets < 2000 ? packets : 2000;
    transfer(&t, &lost); /* warm-up */
    t.packets = packets;
    double rates[99];
    for (int run = 0; run < runs; run++) {
      rates[run] = transfer(&t, &lost);
      lost_all += lost;
    }
    qsort(rates, runs, sizeof rates[0], by_value);
    printf("knet size=%d packets=%ld pps=%.1f lost=%ld\n", t.size, packets, rates[runs / 2], lost_all);
    fflush(stdout);
    if (lost_all * 100 > packets * runs) {
      fprintf(stderr, "knet_switch: %ld of %ld packets of %d bytes were lost\n", lost_all, packets * runs, t.size);
      failed = 1;
    }
  }
  if (atomic_load(&faults)) {
    fprintf(stderr, "knet_switch: %ld socket faults\n", atomic_load(&faults));
    failed = 1;
  }
  /* The handles' links and threads end with the process. */
  return failed;
}
