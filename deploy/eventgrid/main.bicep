// Event Grid subscription from an Azure Machine Learning workspace to aml-event-router, delivered to the
// router's webhook (ingest=webhook) or into an event hub the routers consume over Kafka (ingest=eventhub).
// Deploy into the workspace's resource group:
//   az deployment group create -g <rg> -f deploy/eventgrid/main.bicep -p workspaceName=<ws> \
//     location=<workspace region> endpointUrl=https://<host>/events deadLetterStorageAccountName=<account> \
//     ingestKey=<key>
//   az deployment group create -g <rg> -f deploy/eventgrid/main.bicep -p workspaceName=<ws> \
//     location=<workspace region> ingest=eventhub eventHubNamespaceName=<namespace> \
//     routerPrincipalId=<router identity's principal id> deadLetterStorageAccountName=<account>
// Same parameters, names and defaults as create-subscription.sh; documented in README.md (one table).
// API versions: Microsoft.EventGrid 2025-02-15 (GA), Microsoft.Storage 2023-01-01,
// Microsoft.EventHub 2024-01-01 (GA), Microsoft.Authorization/roleAssignments 2022-04-01,
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

@description('Where Event Grid delivers: webhook posts to the router (endpointUrl); eventhub writes into an event hub the routers consume over Kafka.')
@allowed([
  'webhook'
  'eventhub'
])
param ingest string = 'webhook'

@description('Public HTTPS URL of the router\'s webhook, without query string, e.g. https://aml-events.example.com/events. Required when ingest is webhook.')
param endpointUrl string = ''

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

@description('Event Hubs namespace (created if missing; 6-50 characters). Required when ingest is eventhub. The routers\' INGEST_EVENTHUBS_BOOTSTRAP_SERVERS is <name>.servicebus.windows.net:9093.')
param eventHubNamespaceName string = ''

@description('Tier of a namespace created here. Basic has no Kafka endpoint.')
@allowed([
  'Standard'
  'Premium'
])
param eventHubNamespaceSku string = 'Standard'

@description('The event hub Event Grid writes into (INGEST_EVENTHUBS_TOPIC).')
param eventHubName string = 'aml-events'

@description('Partitions of the event hub (1-32): at most this many routers consume at once.')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@description('Hours an event stays in the event hub (1-168 on Standard): how far back a backlog can be replayed.')
@minValue(1)
@maxValue(168)
param eventHubRetentionInHours int = 168

@description('Consumer group of the routers (INGEST_EVENTHUBS_CONSUMER_GROUP).')
param eventHubConsumerGroup string = 'aml-event-router'

@description('Principal (object) id of the routers\' managed identity (the workload identity), given Azure Event Hubs Data Receiver on the event hub. Empty: assign it yourself.')
param routerPrincipalId string = ''

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

var useEventHub = ingest == 'eventhub'

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  // Event Hubs delivery is made with the topic's own identity (deliveryWithResourceIdentity below).
  identity: useEventHub ? { type: 'SystemAssigned' } : null
  properties: {
    source: workspace.id
    topicType: 'Microsoft.MachineLearningServices.Workspaces'
  }
}

var useQueryKey = deliveryAuth == 'queryKey'

// ---- ingest=eventhub: the event hub, its consumer group, who may write and who may read it ----------

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' = if (useEventHub) {
  name: eventHubNamespaceName
  location: location
  sku: {
    name: eventHubNamespaceSku
    tier: eventHubNamespaceSku
    capacity: 1
  }
  properties: {
    minimumTlsVersion: '1.2'
  }
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = if (useEventHub) {
  parent: eventHubNamespace
  name: eventHubName
  properties: {
    partitionCount: eventHubPartitionCount
    retentionDescription: {
      cleanupPolicy: 'Delete'
      retentionTimeInHours: eventHubRetentionInHours
    }
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = if (useEventHub) {
  parent: eventHub
  name: eventHubConsumerGroup
}

// Built-in role definitions (Azure docs, "Azure built-in roles"; the same ids as create-subscription.sh).
var eventHubsDataSender = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2b629674-e913-4c01-ae53-ef4638d8f975')
var eventHubsDataReceiver = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde')

resource systemTopicSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useEventHub) {
  name: guid(eventHub.id, systemTopic.id, eventHubsDataSender)
  scope: eventHub
  properties: {
    roleDefinitionId: eventHubsDataSender
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource routerReceives 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useEventHub && !empty(routerPrincipalId)) {
  name: guid(eventHub.id, routerPrincipalId, eventHubsDataReceiver)
  scope: eventHub
  properties: {
    roleDefinitionId: eventHubsDataReceiver
    principalId: routerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource eventSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: eventSubscriptionName
  // The sender role first: delivery with the topic's identity needs it.
  dependsOn: [
    systemTopicSends
    consumerGroup
  ]
  properties: {
    // ingest=eventhub: Event Grid writes into the event hub with the system topic's identity (no key).
    deliveryWithResourceIdentity: useEventHub ? {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'EventHub'
        properties: {
          resourceId: eventHub.id
        }
      }
    } : null
    destination: useEventHub ? null : {
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
// ingest=eventhub: the routers' INGEST_EVENTHUBS_BOOTSTRAP_SERVERS (the namespace's Kafka endpoint).
output eventHubsBootstrapServers string = useEventHub ? '${eventHubNamespaceName}.servicebus.windows.net:9093' : ''
