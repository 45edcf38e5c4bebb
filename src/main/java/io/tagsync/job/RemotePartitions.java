package io.tagsync.job;

import io.tagsync.run.Steps;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.store.PartitionLeases;
import io.tagsync.store.RepositoryOutages;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.amqp.core.AmqpTemplate;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.integration.partition.MessageChannelPartitionHandler;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.amqp.dsl.Amqp;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.integration.dsl.IntegrationFlow;

/**
 * Remote partitions ({@code tagsync.partition.remote}): Spring Batch's remote partitioning over RabbitMQ, with the
 * job repository (PostgreSQL) as the shared truth. The manager (a {@code run}) sends one step-execution request
 * per partition to a durable queue and polls the repository until every partition has ended; workers
 * ({@code ./run.sh worker}) take requests one at a time and run them. A request travels as
 * {@code "stepName stepExecutionId"}, not as a serialized Java object. RabbitMQ's auto-configuration is left out of
 * other runs ({@link RabbitOnlyWhenRemote}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "tagsync.partition.remote", havingValue = "true")
@EnableIntegration
public class RemotePartitions {

    /** Remote partitions share the job repository, so it must be one server all processes reach. */
    static void requireSharedRepository(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.getMetaData().getDatabaseProductName().equalsIgnoreCase("H2")) {
                throw new IllegalStateException("remote partitions need a job repository that the manager and its "
                        + "workers share: set spring.datasource.url to a PostgreSQL database (the default H2 file "
                        + "belongs to one process)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the job repository: " + e.getMessage(), e);
        }
    }

    /** A request as it travels: {@code "stepName stepExecutionId"}. */
    static String text(StepExecutionRequest request) {
        return request.getStepName() + " " + request.getStepExecutionId();
    }

    static StepExecutionRequest request(String text) {
        String[] parts = text.strip().split(" ");
        return new StepExecutionRequest(parts[0], Long.parseLong(parts[1]));
    }

    /** Puts a request (back) on the queue, for whichever worker takes it first. */
    static Consumer<StepExecutionRequest> offer(AmqpTemplate amqpTemplate, String queue) {
        return request -> amqpTemplate.convertAndSend(queue, text(request));
    }

    @Bean
    Queue partitionQueue(TagsyncProperties properties) {
        return new Queue(properties.partition().queue(), true);
    }

    @Bean
    DirectChannel partitionRequests() {
        return new DirectChannel();
    }

    @Bean
    IntegrationFlow partitionRequestsOut(
            DirectChannel partitionRequests, AmqpTemplate amqpTemplate, TagsyncProperties properties) {
        return IntegrationFlow.from(partitionRequests)
                .transform(StepExecutionRequest.class, RemotePartitions::text)
                .handle(Amqp.outboundAdapter(amqpTemplate)
                        .routingKey(properties.partition().queue()))
                .get();
    }

    @Bean
    PartitionDispatch remoteDispatch(
            DirectChannel partitionRequests,
            AmqpTemplate amqpTemplate,
            JobRepository jobRepository,
            PartitionLeases leases,
            DataSource dataSource,
            TagsyncProperties properties) {
        requireSharedRepository(dataSource);
        TagsyncProperties.Partition settings = properties.partition();
        return new PartitionDispatch() {
            @Override
            public PartitionHandler handler(Step worker) {
                MessageChannelPartitionHandler handler = new MessageChannelPartitionHandler();
                handler.setStepName(worker.getName());
                handler.setGridSize(settings.partitions());
                handler.setJobRepository(jobRepository);
                handler.setPollInterval(500);
                handler.setMessagingOperations(new MessagingTemplate(partitionRequests));
                try {
                    handler.afterPropertiesSet(); // with a job repository set, it polls it for the results
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return handler;
            }

            @Override
            public PartitionWatch watch(String workerStep) {
                return new PartitionWatch(
                        jobRepository,
                        leases,
                        workerStep,
                        offer(amqpTemplate, settings.queue()),
                        settings.heartbeat(),
                        settings.workerTimeout());
            }
        };
    }

    /**
     * A worker's side: only in a process started as a worker. Its consumers take one request each at a time; at
     * shutdown ({@link WorkerShutdown}) the partitions running are handed back within {@link #HAND_BACK_GRACE}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "tagsync.partition.worker", havingValue = "true")
    static class Worker {

        static final Duration HAND_BACK_GRACE = Duration.ofSeconds(60);

        @Bean
        PartitionWorker partitionWorker(
                JobRepository jobRepository,
                Step submitPartitionStep,
                Step awaitPartitionStep,
                PartitionLeases leases,
                RepositoryOutages outages,
                Fences fences,
                AmqpTemplate amqpTemplate,
                TagsyncProperties properties) {
            Map<String, Step> steps =
                    Map.of(Steps.SUBMIT_PARTITION, submitPartitionStep, Steps.AWAIT_PARTITION, awaitPartitionStep);
            StepExecutionRequestHandler handler = new StepExecutionRequestHandler();
            handler.setJobRepository(jobRepository);
            handler.setStepLocator(steps::get);
            TagsyncProperties.Partition settings = properties.partition();
            return new PartitionWorker(
                    jobRepository,
                    handler,
                    leases,
                    outages,
                    fences,
                    offer(amqpTemplate, settings.queue()),
                    settings.heartbeat(),
                    settings.workerTimeout());
        }

        @Bean
        SimpleMessageListenerContainer partitionRequestsIn(
                ConnectionFactory connectionFactory, PartitionWorker worker, TagsyncProperties properties) {
            TagsyncProperties.Partition settings = properties.partition();
            SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
            container.setQueueNames(settings.queue());
            container.setPrefetchCount(1);
            container.setConcurrentConsumers(Math.max(1, settings.atOnce()));
            container.setShutdownTimeout(HAND_BACK_GRACE.plusSeconds(10).toMillis());
            container.setMessageListener(
                    message -> worker.execute(request(new String(message.getBody(), StandardCharsets.UTF_8))));
            return container;
        }

        @Bean
        WorkerShutdown workerShutdown(PartitionWorker worker, SimpleMessageListenerContainer partitionRequestsIn) {
            return new WorkerShutdown(worker, partitionRequestsIn, HAND_BACK_GRACE);
        }
    }
}
