package io.hooknet.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A self-signed certificate for 127.0.0.1, made with openssl, and a TLS context that trusts it. */
final class TestCertificates {

  final Path cert;
  final Path key;

  private TestCertificates(Path cert, Path key) {
    this.cert = cert;
    this.key = key;
  }

  static TestCertificates make(Path dir) throws Exception {
    Path cert = dir.resolve("node.crt");
    Path key = dir.resolve("node.key");
    Path log = dir.resolve("openssl.log");
    int made = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=hooknet-test", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(),
        "-out", cert.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor();
    assertThat(made).as(Files.readString(log)).isZero();
    return new TestCertificates(cert, key);
  }

  /** A client TLS context that trusts exactly this certificate. */
  SSLContext trusting() throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      store.setCertificateEntry("node", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
