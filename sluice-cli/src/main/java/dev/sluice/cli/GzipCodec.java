package dev.sluice.cli;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Parquet's GZIP codec on the JDK's {@link Deflater}, for writing only. parquet-java's own codec factory loads Hadoop's
 * codec classes, even for no compression; this one needs nothing outside the JDK (no native library, no
 * sun.misc.Unsafe), and every Parquet reader reads GZIP. At level 1: most of what gzip saves, for a fraction of the
 * CPU of its default level (the export's one thread compresses every page). Stateless; used on the export's thread.
 */
final class GzipCodec implements CompressionCodecFactory, CompressionCodecFactory.BytesInputCompressor {

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        if (codec != CompressionCodecName.GZIP) {
            throw new IllegalArgumentException("only GZIP is written here, not " + codec);
        }
        return this;
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("the export writes Parquet; it reads none");
    }

    @Override
    public BytesInput compress(BytesInput page) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, page.size() / 2 + 64));
        try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            page.writeAllTo(gzip);
        }
        return BytesInput.from(out.toByteArray());
    }

    @Override
    public CompressionCodecName getCodecName() {
        return CompressionCodecName.GZIP;
    }

    @Override
    public void release() {
        // nothing held between pages
    }
}
