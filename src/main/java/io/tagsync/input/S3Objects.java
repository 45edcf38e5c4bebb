package io.tagsync.input;

import io.tagsync.run.S3Location;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects of an {@code s3://} input, through the AWS SDK's S3 client: its default credential chain (environment,
 * profile, web identity, container and instance roles), its standard retries (throttling and 5xx answers, with
 * backoff), and an S3-compatible store's endpoint from {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL} (or a
 * setting), reached with path-style requests. Credentials are never part of what it logs or reports. Thread-safe.
 */
public final class S3Objects implements AutoCloseable {

    /** One object of an input: where it is, its size and its ETag (what a restart compares). */
    public record StoredObject(S3Location location, long size, String eTag) {}

    private final S3Client s3;
    private final AtomicLong rangedBytes = new AtomicLong();

    public S3Objects(S3Client s3) {
        this.s3 = s3;
    }

    /**
     * A client for {@code endpoint} (null: the SDK's, or the environment's {@code AWS_ENDPOINT_URL_S3} /
     * {@code AWS_ENDPOINT_URL}); a custom endpoint is reached with path-style requests.
     */
    public static S3Objects connect(URI endpoint, Map<String, String> environment) {
        URI custom = endpoint != null ? endpoint : environmentEndpoint(environment);
        S3ClientBuilder builder = S3Client.builder().httpClientBuilder(Apache5HttpClient.builder());
        builder.region(region());
        if (custom != null) {
            // S3-compatible stores take path-style requests, and checksums only where S3 requires them
            builder.endpointOverride(custom)
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return new S3Objects(builder.build());
    }

    /**
     * The SDKs' standard endpoint settings, the S3 one first: the environment's {@code AWS_ENDPOINT_URL_S3} and
     * {@code AWS_ENDPOINT_URL}, or the system properties {@code aws.endpointUrlS3} and {@code aws.endpointUrl}.
     */
    static URI environmentEndpoint(Map<String, String> environment) {
        for (String value : new String[] {
            System.getProperty("aws.endpointUrlS3"),
            environment.get("AWS_ENDPOINT_URL_S3"),
            System.getProperty("aws.endpointUrl"),
            environment.get("AWS_ENDPOINT_URL")
        }) {
            if (value != null && !value.isBlank()) {
                return URI.create(value.strip());
            }
        }
        return null;
    }

    /** The region of the default chain; an S3-compatible store without one takes {@code us-east-1}. */
    private static Region region() {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkException none) {
            return Region.US_EAST_1;
        }
    }

    public S3Client client() {
        return s3;
    }

    /**
     * The objects of {@code input}: the one object, or those under the prefix in natural order ({@code part-2}
     * before {@code part-10}), leaving out keys with a part that starts with {@code .} or {@code _} below the
     * prefix ({@code _SUCCESS}, {@code .crc}) and the folder markers some tools write (keys ending with {@code /}).
     * A missing object, an empty prefix, a missing bucket or a denied key fail with an {@link InputException}.
     */
    public List<StoredObject> list(S3Location input) {
        try {
            if (!input.isPrefix()) {
                HeadObjectResponse head;
                try {
                    head = s3.headObject(
                            request -> request.bucket(input.bucket()).key(input.key()));
                } catch (S3Exception e) {
                    if (e.statusCode() == 404) {
                        // a HEAD's 404 has no body to say which is missing
                        s3.headBucket(request -> request.bucket(input.bucket()));
                    }
                    throw e;
                }
                return List.of(new StoredObject(input, head.contentLength(), head.eTag()));
            }
            List<StoredObject> objects = new ArrayList<>();
            ListObjectsV2Request request = ListObjectsV2Request.builder()
                    .bucket(input.bucket())
                    .prefix(input.key())
                    .build();
            for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
                String below = object.key().substring(input.key().length());
                if (!below.isEmpty() && !below.endsWith("/") && visible(below)) {
                    objects.add(new StoredObject(input.object(object.key()), object.size(), object.eTag()));
                }
            }
            if (objects.isEmpty()) {
                throw new InputException(input + ": no objects under this prefix");
            }
            objects.sort((a, b) -> InputReader.naturalOrder(key(a), key(b)));
            return objects;
        } catch (SdkException e) {
            throw new InputException(input + ": " + describe(e), e);
        }
    }

    /**
     * The text of a CSV or JSON Lines object (gzip by its key's {@code .gz}), streamed as it is read, from the version
     * that was listed: an object replaced since fails (412).
     */
    public Reader openText(StoredObject object) {
        S3Location at = object.location();
        ResponseInputStream<GetObjectResponse> response;
        try {
            response = s3.getObject(
                    request -> request.bucket(at.bucket()).key(at.key()).ifMatch(object.eTag()));
        } catch (SdkException e) {
            throw new InputException(at + ": " + describe(e), e);
        }
        // closed before its end (a header checked, a failed read), the GET is aborted rather than read to its end
        InputStream in = new FilterInputStream(response) {
            @Override
            public void close() throws IOException {
                response.abort();
                super.close();
            }
        };
        return InputFiles.openText(in, at.toString(), at.key().endsWith(".gz"));
    }

    /** Ranged reads of a Parquet object. */
    public S3InputFile inputFile(StoredObject object) {
        return new S3InputFile(s3, object.location(), object.size(), object.eTag(), rangedBytes);
    }

    /** The bytes all ranged (Parquet) reads of this client have fetched so far. */
    public long rangedBytesRead() {
        return rangedBytes.get();
    }

    private static Path key(StoredObject object) {
        return Path.of(object.location().key());
    }

    private static boolean visible(String below) {
        for (String part : below.split("/")) {
            if (part.startsWith(".") || part.startsWith("_")) {
                return false;
            }
        }
        return true;
    }

    /** What a failure of the store says, without the request's signature or credentials. */
    static String describe(SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() != null ? s3.awsErrorDetails().errorCode() : null;
            Function<String, String> says =
                    meaning -> meaning + " (" + s3.statusCode() + (code != null ? " " + code : "") + ")";
            if (e instanceof NoSuchBucketException || "NoSuchBucket".equals(code)) {
                return says.apply("no such bucket");
            }
            return switch (s3.statusCode()) {
                case 403 -> says.apply("access denied: the credentials may not read it");
                case 404 -> says.apply("no such object");
                case 412 -> says.apply("the object changed while it was read");
                default -> says.apply("the store refused the request");
            };
        }
        return "the store could not be reached: " + e.getMessage();
    }

    @Override
    public void close() {
        s3.close();
    }
}
