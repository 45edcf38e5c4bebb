package io.tagsync.job;

import io.tagsync.run.Steps;
import io.tagsync.run.TagsyncProperties;
import io.tagsync.store.PartitionLeases;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.amqp.core.AmqpTemplate;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
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
                .transform(
                        StepExecutionRequest.class,
                        request -> request.getStepName() + " " + request.getStepExecutionId())
                .handle(Amqp.outboundAdapter(amqpTemplate)
                        .routingKey(properties.partition().queue()))
                .get();
    }

    @Bean
    PartitionDispatch remoteDispatch(
            DirectChannel partitionRequests,
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
            public PartitionWatch watch() {
                return new PartitionWatch(jobRepository, leases, settings.heartbeat(), settings.workerTimeout());
            }
        };
    }

    /** A worker's side: only in a process started as a worker. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "tagsync.partition.worker", havingValue = "true")
    static class Worker {

        @Bean
        PartitionWorker partitionWorker(
                JobRepository jobRepository,
                Step submitPartitionStep,
                Step awaitPartitionStep,
                PartitionLeases leases,
                TagsyncProperties properties) {
            Map<String, Step> steps =
                    Map.of(Steps.SUBMIT_PARTITION, submitPartitionStep, Steps.AWAIT_PARTITION, awaitPartitionStep);
            StepExecutionRequestHandler handler = new StepExecutionRequestHandler();
            handler.setJobRepository(jobRepository);
            handler.setStepLocator(steps::get);
            TagsyncProperties.Partition settings = properties.partition();
            return new PartitionWorker(jobRepository, handler, leases, settings.heartbeat(), settings.workerTimeout());
        }

        @Bean
        IntegrationFlow partitionRequestsIn(
                ConnectionFactory connectionFactory, PartitionWorker worker, TagsyncProperties properties) {
            TagsyncProperties.Partition settings = properties.partition();
            return IntegrationFlow.from(Amqp.inboundAdapter(connectionFactory, settings.queue())
                            .configureContainer(container ->
                                    container.prefetchCount(1).concurrentConsumers(Math.max(1, settings.atOnce()))))
                    .handle(String.class, (payload, headers) -> {
                        String[] parts = payload.strip().split(" ");
                        worker.execute(new StepExecutionRequest(parts[0], Long.parseLong(parts[1])));
                        return null;
                    })
                    .get();
        }
    }
}
