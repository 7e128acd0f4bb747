#!/usr/bin/env bash
# Creates (or updates) the Event Grid subscription from an Azure Machine Learning workspace to
# aml-event-router with the Azure CLI: the workspace's system topic, the dead-letter blob container
# and the subscription, either to the router's webhook (--ingest webhook, the default) or into an event
# hub the routers consume over Kafka (--ingest eventhub: namespace, event hub, consumer group, the system
# topic's managed identity with "Azure Event Hubs Data Sender" on the event hub, delivery with that
# identity, and "Azure Event Hubs Data Receiver" for the router's identity). Equivalent of main.bicep:
# same parameter names and defaults (README.md documents them in one table). Re-running it updates
# everything in place.
#
#   deploy/eventgrid/create-subscription.sh --resourceGroup rg-mlops-prod --workspaceName mlw-fraud-weu \
#     --location westeurope --endpointUrl https://aml-events.example.com/events --deadLetterStorageAccountName stmlopsdeadletter \
#     --ingestKey "$INGEST_KEY"
#   deploy/eventgrid/create-subscription.sh --resourceGroup rg-mlops-prod --workspaceName mlw-fraud-weu \
#     --location westeurope --ingest eventhub --eventHubNamespaceName evhns-mlops-weu \
#     --routerPrincipalId "$ROUTER_PRINCIPAL_ID" --deadLetterStorageAccountName stmlopsdeadletter
#
# Options besides the parameters: --dry-run (print the az commands, secrets masked, run none), --help.
# Needs: az (logged in, subscription selected with `az account set`).
set -euo pipefail

# --- parameters (same names and defaults as main.bicep) ---
resourceGroup=""
workspaceName=""
systemTopicName=""
eventSubscriptionName="aml-event-router"
ingest="webhook"
endpointUrl=""
deliveryAuth="queryKey"
ingestKey=""
azureActiveDirectoryTenantId=""
azureActiveDirectoryApplicationIdOrUri=""
includedEventTypes="Microsoft.MachineLearningServices.RunCompleted Microsoft.MachineLearningServices.RunStatusChanged Microsoft.MachineLearningServices.ModelRegistered Microsoft.MachineLearningServices.ModelDeployed Microsoft.MachineLearningServices.DatasetDriftDetected"
maxDeliveryAttempts=30
eventTimeToLiveInMinutes=1440
deadLetterStorageAccountName=""
deadLetterContainerName="eventgrid-deadletter"
eventDeliverySchema="EventGridSchema"
maxEventsPerBatch=1
preferredBatchSizeInKilobytes=64
eventHubNamespaceName=""
eventHubNamespaceSku="Standard"
eventHubName="aml-events"
eventHubPartitionCount=4
eventHubRetentionInHours=168
eventHubConsumerGroup="aml-event-router"
routerPrincipalId=""
location=""
# --- end parameters ---

self="$0"
params=$(sed -n '/^# --- parameters/,/^# --- end parameters/s/^\([A-Za-z]*\)=.*/\1/p' "$self")
dryRun=false

die() { echo "create-subscription: $*" >&2; exit 2; }
usage() { echo "usage: $self --name value ... [--dry-run]   parameters:" $params; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dryRun=true; shift ;;
    -h|--help) usage; exit 0 ;;
    --*)
      name="${1#--}"
      grep -qx "$name" <<<"$params" || die "unknown parameter --$name (see --help)"
      [ $# -ge 2 ] || die "--$name needs a value"
      printf -v "$name" '%s' "$2"; shift 2 ;;
    *) die "unexpected argument '$1' (see --help)" ;;
  esac
done
: "${systemTopicName:=${workspaceName}-events}"

# --- checks: the same constraints main.bicep declares ---
for required in resourceGroup workspaceName deadLetterStorageAccountName location; do
  [ -n "${!required}" ] || die "--$required is required"
done
case "$ingest" in
  webhook)
    [ -n "$endpointUrl" ] || die "--ingest webhook needs --endpointUrl"
    [[ "$endpointUrl" == https://* ]] || die "--endpointUrl must be https:// (Event Grid delivers only over HTTPS)"
    [[ "$endpointUrl" != *\?* ]] || die "--endpointUrl must not carry a query string; the key goes in --ingestKey"
    case "$deliveryAuth" in
      queryKey) [ -n "$ingestKey" ] || die "--deliveryAuth queryKey needs --ingestKey" ;;
      entra) [ -n "$azureActiveDirectoryTenantId" ] && [ -n "$azureActiveDirectoryApplicationIdOrUri" ] ||
               die "--deliveryAuth entra needs --azureActiveDirectoryTenantId and --azureActiveDirectoryApplicationIdOrUri" ;;
      *) die "--deliveryAuth must be queryKey or entra" ;;
    esac ;;
  eventhub)
    [ -n "$eventHubNamespaceName" ] || die "--ingest eventhub needs --eventHubNamespaceName"
    [[ "$eventHubNamespaceName" =~ ^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$ ]] || die "--eventHubNamespaceName must be 6-50 letters, digits or hyphens, starting with a letter"
    [ -z "$endpointUrl$ingestKey" ] || die "--ingest eventhub takes no --endpointUrl/--ingestKey (Event Grid writes to the event hub)"
    case "$eventHubNamespaceSku" in Standard|Premium) ;; *) die "--eventHubNamespaceSku must be Standard or Premium (Basic has no Kafka endpoint)" ;; esac
    [ -z "$routerPrincipalId" ] || [[ "$routerPrincipalId" =~ ^[0-9a-fA-F-]{36}$ ]] || die "--routerPrincipalId must be an object (principal) id" ;;
  *) die "--ingest must be webhook or eventhub" ;;
esac
case "$eventDeliverySchema" in EventGridSchema|CloudEventSchemaV1_0) ;; *) die "--eventDeliverySchema must be EventGridSchema or CloudEventSchemaV1_0" ;; esac
in_range() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || die "--$1 must be an integer in $3..$4"; }
in_range maxDeliveryAttempts "$maxDeliveryAttempts" 1 30
in_range eventTimeToLiveInMinutes "$eventTimeToLiveInMinutes" 1 1440
in_range maxEventsPerBatch "$maxEventsPerBatch" 1 5000
in_range preferredBatchSizeInKilobytes "$preferredBatchSizeInKilobytes" 1 1024
in_range eventHubPartitionCount "$eventHubPartitionCount" 1 32
in_range eventHubRetentionInHours "$eventHubRetentionInHours" 1 168
[[ "$eventSubscriptionName" =~ ^[A-Za-z0-9-]{3,64}$ ]] || die "--eventSubscriptionName must be 3-64 letters, digits or hyphens"

# run: execute an az command, or print it with secrets masked under --dry-run.
# query WHAT CMD...: for a command whose output is needed; under --dry-run it yields "<WHAT>".
run() {
  if $dryRun; then
    local shown=("$@"); [ -z "$ingestKey" ] || shown=("${shown[@]//"$ingestKey"/***}")
    printf '%q ' "${shown[@]}" >&2; echo >&2
  else
    "$@"
  fi
}
query() { local what="$1"; shift; if $dryRun; then run "$@"; echo "<$what>"; else "$@"; fi; }

workspaceId=$(query "workspace id" az resource show -g "$resourceGroup" -n "$workspaceName" \
  --resource-type Microsoft.MachineLearningServices/workspaces --query id -o tsv)
# A system topic lives in its source's region: refuse a --location that is not the workspace's.
workspaceLocation=$(query "workspace location" az resource show --ids "$workspaceId" --query location -o tsv)
if ! $dryRun && [ "${workspaceLocation,,}" != "${location,,}" ]; then
  die "--location $location is not the workspace's region ($workspaceLocation); a system topic must live in its source's region"
fi

# A workspace has at most one system topic: reuse ours, refuse to create a second one.
if ! $dryRun && az eventgrid system-topic show -g "$resourceGroup" -n "$systemTopicName" -o none 2>/dev/null; then
  echo "system topic $systemTopicName exists; reusing it"
else
  if ! $dryRun; then
    other=$(az eventgrid system-topic list -g "$resourceGroup" --query "[?source=='$workspaceId'].name | [0]" -o tsv)
    [ -z "$other" ] || die "workspace already has the system topic '$other': pass --systemTopicName $other"
  fi
  run az eventgrid system-topic create -g "$resourceGroup" -n "$systemTopicName" --location "$location" \
    --topic-type Microsoft.MachineLearningServices.Workspaces --source "$workspaceId" -o none
fi

storageId=$(query "storage account id" az storage account show -g "$resourceGroup" -n "$deadLetterStorageAccountName" --query id -o tsv)
if $dryRun || [ "$(az storage container-rm exists --storage-account "$storageId" -n "$deadLetterContainerName" --query exists -o tsv)" != true ]; then
  run az storage container-rm create --storage-account "$storageId" -n "$deadLetterContainerName" --public-access off -o none
fi

# Built-in role definitions (Azure docs, "Azure built-in roles"; the same ids as main.bicep).
eventHubsDataSender=2b629674-e913-4c01-ae53-ef4638d8f975     # Azure Event Hubs Data Sender
eventHubsDataReceiver=a638d3c7-ab3a-418d-83e6-5f17a39d4fde   # Azure Event Hubs Data Receiver

destination=()
if [ "$ingest" = webhook ]; then
  endpoint="$endpointUrl"
  auth=()
  if [ "$deliveryAuth" = queryKey ]; then
    endpoint="${endpointUrl}?key=${ingestKey}"   # sent with every delivery, stored encrypted by Event Grid
  else
    auth=(--azure-active-directory-tenant-id "$azureActiveDirectoryTenantId"
          --azure-active-directory-application-id-or-uri "$azureActiveDirectoryApplicationIdOrUri")
  fi
  destination=(--endpoint-type webhook --endpoint "$endpoint" "${auth[@]}"
               --max-events-per-batch "$maxEventsPerBatch" --preferred-batch-size-in-kilobytes "$preferredBatchSizeInKilobytes")
else
  # The event hub, its consumer group, and who may write and read it. Standard or Premium: the Kafka
  # endpoint (9093) does not exist on Basic.
  if $dryRun || ! az eventhubs namespace show -g "$resourceGroup" -n "$eventHubNamespaceName" -o none 2>/dev/null; then
    run az eventhubs namespace create -g "$resourceGroup" -n "$eventHubNamespaceName" --location "$location" \
      --sku "$eventHubNamespaceSku" --minimum-tls-version 1.2 -o none
  else
    echo "Event Hubs namespace $eventHubNamespaceName exists; reusing it"
  fi
  run az eventhubs eventhub create -g "$resourceGroup" --namespace-name "$eventHubNamespaceName" -n "$eventHubName" \
    --partition-count "$eventHubPartitionCount" --cleanup-policy Delete --retention-time-in-hours "$eventHubRetentionInHours" -o none
  run az eventhubs eventhub consumer-group create -g "$resourceGroup" --namespace-name "$eventHubNamespaceName" \
    --eventhub-name "$eventHubName" -n "$eventHubConsumerGroup" -o none
  eventHubId=$(query "event hub id" az eventhubs eventhub show -g "$resourceGroup" --namespace-name "$eventHubNamespaceName" \
    -n "$eventHubName" --query id -o tsv)
  # Event Grid delivers with the system topic's own (system-assigned) identity: no key anywhere.
  run az eventgrid system-topic update -g "$resourceGroup" -n "$systemTopicName" --identity systemassigned -o none
  topicPrincipalId=$(query "system topic principal id" az eventgrid system-topic show -g "$resourceGroup" -n "$systemTopicName" \
    --query identity.principalId -o tsv)
  run az role assignment create --assignee-object-id "$topicPrincipalId" --assignee-principal-type ServicePrincipal \
    --role "$eventHubsDataSender" --scope "$eventHubId" -o none
  if [ -n "$routerPrincipalId" ]; then
    run az role assignment create --assignee-object-id "$routerPrincipalId" --assignee-principal-type ServicePrincipal \
      --role "$eventHubsDataReceiver" --scope "$eventHubId" -o none
  else
    echo "no --routerPrincipalId: give the router's identity \"Azure Event Hubs Data Receiver\" on $eventHubName yourself" >&2
  fi
  destination=(--delivery-identity systemassigned --delivery-identity-endpoint-type eventhub --delivery-identity-endpoint "$eventHubId")
fi
read -r -a eventTypes <<<"$includedEventTypes"

# Creating or updating a webhook subscription runs the validation handshake against the endpoint;
# the command fails if the router does not answer it. An event hub needs no handshake; a role
# assignment made just before can take a few minutes to apply, meanwhile Event Grid retries.
run az eventgrid system-topic event-subscription create -g "$resourceGroup" \
  --system-topic-name "$systemTopicName" --name "$eventSubscriptionName" \
  "${destination[@]}" \
  --event-delivery-schema "${eventDeliverySchema,,}" \
  --included-event-types "${eventTypes[@]}" \
  --max-delivery-attempts "$maxDeliveryAttempts" --event-ttl "$eventTimeToLiveInMinutes" \
  --deadletter-endpoint "$storageId/blobServices/default/containers/$deadLetterContainerName" \
  -o none

run az eventgrid system-topic event-subscription show -g "$resourceGroup" \
  --system-topic-name "$systemTopicName" --name "$eventSubscriptionName" \
  --query "{name:name, provisioningState:provisioningState, destination:destination.endpointBaseUrl || deliveryWithResourceIdentity.destination.resourceId}" -o table
if [ "$ingest" = eventhub ]; then
  echo "routers: INGEST_EVENTHUBS_BOOTSTRAP_SERVERS=$eventHubNamespaceName.servicebus.windows.net:9093 INGEST_EVENTHUBS_TOPIC=$eventHubName INGEST_EVENTHUBS_CONSUMER_GROUP=$eventHubConsumerGroup"
fi
