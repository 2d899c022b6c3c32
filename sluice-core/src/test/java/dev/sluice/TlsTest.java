package dev.sluice;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * https URLs go through TLS, set up on first use: against a server whose certificate no one trusts,
 * the handshake runs and fails as a final {@code connect} error, not retried.
 */
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void anUntrustedCertificateIsAFinalConnectError() throws Exception {
        char[] password = "changeit".toCharArray();
        Path keystore = selfSignedKeystore(password);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        AtomicInteger served = new AtomicInteger();
        server.createContext("/", exchange -> {
            served.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/secure";
            Harness h = new Harness(dir);

            h.run(Harness.config().build(), List.of(url));

            assertThat(h.result(url)).containsEntry("status", "failed").containsEntry("error", "connect").containsEntry("attempts", 1);
            assertThat((String) h.result(url).get("detail")).startsWith("TLS failed");
            assertThat(served).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    private Path selfSignedKeystore(char[] password) throws Exception {
        Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
        Path keystore = dir.resolve("origin.p12");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "origin", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", new String(password), "-keypass", new String(password))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(output).isZero();
        return keystore;
    }
}
