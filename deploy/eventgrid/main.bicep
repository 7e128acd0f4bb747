// Event Grid subscription from an Azure Machine Learning workspace to aml-event-router.
// Deploy into the workspace's resource group:
//   az deployment group create -g <rg> -f deploy/eventgrid/main.bicep -p workspaceName=<ws> \
//     location=<workspace region> endpointUrl=https://<host>/events deadLetterStorageAccountName=<account> \
//     ingestKey=<key>
// Same parameters, names and defaults as create-subscription.sh; documented in README.md (one table).
// API versions: Microsoft.EventGrid 2025-02-15 (GA), Microsoft.Storage 2023-01-01,
// Microsoft.MachineLearningServices 2024-04-01 (read only, for the workspace's id).
// The system topic's name and location are parameters, never read from an `existing` resource:
// Bicep needs them at the start of the deployment (BCP120), and an existing resource's location is
// only known once it has been read. .ci/deploy-checks.sh checks this (no Bicep compiler is available
// where the checks run; create-subscription.sh is the tested path, docs/operations.md).

@description('Name of the Azure Machine Learning workspace whose events are delivered.')
param workspaceName string

@description('Name of the workspace\'s Event Grid system topic. A workspace has at most one; if it already has one, give its name.')
param systemTopicName string = '${workspaceName}-events'

@description('Name of the event subscription (3-64 characters: letters, digits, hyphens).')
@minLength(3)
@maxLength(64)
param eventSubscriptionName string = 'aml-event-router'

@description('Public HTTPS URL of the router\'s webhook, without query string, e.g. https://aml-events.example.com/events.')
param endpointUrl string

@description('How Event Grid proves itself to the router: queryKey appends ?key=<ingestKey>; entra sends an Entra ID bearer token.')
@allowed([
  'queryKey'
  'entra'
])
param deliveryAuth string = 'queryKey'

@description('Shared ingest key (one of INGEST_AUTH_KEYS). Required when deliveryAuth is queryKey.')
@secure()
param ingestKey string = ''

@description('Entra tenant that issues the delivery token (INGEST_AUTH_ENTRA_TENANT_ID). Required when deliveryAuth is entra.')
param azureActiveDirectoryTenantId string = ''

@description('Application ID or App ID URI of the router\'s Entra app registration (one of INGEST_AUTH_ENTRA_AUDIENCES). Required when deliveryAuth is entra.')
param azureActiveDirectoryApplicationIdOrUri string = ''

@description('Event types delivered to the router.')
param includedEventTypes array = [
  'Microsoft.MachineLearningServices.RunCompleted'
  'Microsoft.MachineLearningServices.RunStatusChanged'
  'Microsoft.MachineLearningServices.ModelRegistered'
  'Microsoft.MachineLearningServices.ModelDeployed'
  'Microsoft.MachineLearningServices.DatasetDriftDetected'
]

@description('Delivery attempts before an event is dead-lettered (1-30).')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int = 30

@description('Minutes an event is retried before it is dead-lettered (1-1440).')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

@description('Existing storage account (in this resource group) that receives undeliverable events.')
param deadLetterStorageAccountName string

@description('Blob container for dead-lettered events; created if missing.')
param deadLetterContainerName string = 'eventgrid-deadletter'

@description('Schema of the delivered events.')
@allowed([
  'EventGridSchema'
  'CloudEventSchemaV1_0'
])
param eventDeliverySchema string = 'EventGridSchema'

@description('Events per delivery request (1-5000). 1 = no batching. The router must finish a whole batch within 30 s.')
@minValue(1)
@maxValue(5000)
param maxEventsPerBatch int = 1

@description('Preferred batch size in kilobytes (1-1024); only used when maxEventsPerBatch > 1.')
@minValue(1)
@maxValue(1024)
param preferredBatchSizeInKilobytes int = 64

@description('Region of the workspace, e.g. westeurope (az ml workspace show --query location). The system topic must live in its source\'s region.')
param location string

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-04-01' existing = {
  name: workspaceName
}

resource deadLetterAccount 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {
  name: deadLetterStorageAccountName
}

resource deadLetterBlobService 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01' existing = {
  parent: deadLetterAccount
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-01-01' = {
  parent: deadLetterBlobService
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  properties: {
    source: workspace.id
    topicType: 'Microsoft.MachineLearningServices.Workspaces'
  }
}

var useQueryKey = deliveryAuth == 'queryKey'

resource eventSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: eventSubscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        // Event Grid sends the query string with every delivery and stores it encrypted.
        endpointUrl: useQueryKey ? '${endpointUrl}?key=${ingestKey}' : endpointUrl
        azureActiveDirectoryTenantId: useQueryKey ? null : azureActiveDirectoryTenantId
        azureActiveDirectoryApplicationIdOrUri: useQueryKey ? null : azureActiveDirectoryApplicationIdOrUri
        maxEventsPerBatch: maxEventsPerBatch
        preferredBatchSizeInKilobytes: preferredBatchSizeInKilobytes
      }
    }
    eventDeliverySchema: eventDeliverySchema
    filter: {
      includedEventTypes: includedEventTypes
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterDestination: {
      endpointType: 'StorageBlob'
      properties: {
        resourceId: deadLetterAccount.id
        blobContainerName: deadLetterContainer.name
      }
    }
  }
}

output systemTopicId string = systemTopic.id
output eventSubscriptionId string = eventSubscription.id
