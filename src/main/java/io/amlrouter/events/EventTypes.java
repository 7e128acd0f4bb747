package io.amlrouter.events;

/** Event type names this service knows. */
public final class EventTypes {

    private EventTypes() {
    }

    public static final String RUN_COMPLETED = "Microsoft.MachineLearningServices.RunCompleted";
    public static final String RUN_STATUS_CHANGED = "Microsoft.MachineLearningServices.RunStatusChanged";
    public static final String MODEL_REGISTERED = "Microsoft.MachineLearningServices.ModelRegistered";
    public static final String MODEL_DEPLOYED = "Microsoft.MachineLearningServices.ModelDeployed";
    public static final String DATASET_DRIFT_DETECTED = "Microsoft.MachineLearningServices.DatasetDriftDetected";

    /** Synthetic: published by the deploy action when a deployment it started succeeded. */
    public static final String DEPLOYMENT_SUCCEEDED = "AmlEventRouter.DeploymentSucceeded";
    /** Synthetic: published by the deploy action when a deployment it started failed or was canceled. */
    public static final String DEPLOYMENT_FAILED = "AmlEventRouter.DeploymentFailed";

    /** Event Grid's subscription validation handshake (Event Grid schema). */
    public static final String SUBSCRIPTION_VALIDATION = "Microsoft.EventGrid.SubscriptionValidationEvent";
    /** Event Grid's notice that the subscription was deleted. */
    public static final String SUBSCRIPTION_DELETED = "Microsoft.EventGrid.SubscriptionDeletedEvent";
}
