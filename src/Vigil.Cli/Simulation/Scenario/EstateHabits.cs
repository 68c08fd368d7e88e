namespace Vigil.Cli.Simulation.Scenario;

/// <summary>A kind of IAM user: the APIs, S3 buckets and tools that people in that job use.</summary>
internal sealed record Persona(string Name, string[] Apis, string[] Buckets, string[] Tools);

/// <summary>The habits of the estate scenario: personas, user agents, and the domains instances look up.</summary>
internal static class EstateHabits
{
    public static readonly Dictionary<string, string> Agents = new(StringComparer.Ordinal)
    {
        ["cli"] = "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0-18-amd64 exe/x86_64.debian.12 prompt/off",
        ["console"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
        ["boto3"] = "Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8",
        ["terraform"] = "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0 aws-sdk-go-v2/1.25.2",
        ["go"] = "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64",
        ["java"] = "aws-sdk-java/2.25.10 Linux/6.1.0 OpenJDK_64-Bit_Server_VM/21.0.2+13-LTS Java/21.0.2 vendor/Eclipse_Adoptium",
        ["nodejs"] = "aws-sdk-nodejs/3.540.0 linux/v20.11.1 exec-env/AWS_Lambda_nodejs20.x",
    };

    public static readonly Persona Developer = new(
        "developer",
        [
            "ec2:DescribeInstances", "logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogGroups", "lambda:ListFunctions20150331",
            "lambda:GetFunction", "lambda:UpdateFunctionCode20150331v2", "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents",
            "ecr:DescribeRepositories", "ecr:GetAuthorizationToken", "ecs:DescribeServices", "ecs:ListTasks", "sts:GetCallerIdentity",
            "s3:ListBuckets", "dynamodb:DescribeTable", "sqs:ListQueues", "ssm:GetParameter", "cloudwatch:GetMetricData", "ec2:DescribeSecurityGroups",
            "apigateway:GetRestApis", "states:ListExecutions", "lambda:InvokeFunction", "xray:GetTraceSummaries",
        ],
        ["example-app-artifacts", "example-app-uploads"],
        ["cli", "console", "boto3", "terraform"]);

    public static readonly Persona Analyst = new(
        "analyst",
        [
            "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:ListWorkGroups", "glue:GetTables",
            "glue:GetDatabases", "glue:GetTable", "s3:ListBuckets", "sts:GetCallerIdentity", "quicksight:ListDashboards", "quicksight:DescribeDashboard",
            "s3:GetBucketLocation", "cloudwatch:GetMetricData",
        ],
        ["example-data-lake", "example-analytics-exports", "example-finance-reports"],
        ["console", "boto3", "cli"]);

    public static readonly Persona Operator = new(
        "operator",
        [
            "ec2:DescribeInstances", "ec2:DescribeVolumes", "ec2:DescribeSecurityGroups", "ec2:StartInstances", "ec2:StopInstances", "ec2:DescribeSnapshots",
            "iam:ListRoles", "iam:GetRole", "iam:ListUsers", "iam:ListAttachedRolePolicies", "cloudtrail:LookupEvents", "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:UpdateAutoScalingGroup", "rds:DescribeDBInstances", "rds:DescribeDBSnapshots", "route53:ListHostedZones", "route53:ListResourceRecordSets",
            "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetHealth", "kms:ListKeys", "cloudwatch:DescribeAlarms",
            "ssm:SendCommand", "ssm:DescribeInstanceInformation", "sts:GetCallerIdentity", "s3:ListBuckets", "ec2:CreateSnapshot", "ec2:ModifyInstanceAttribute",
        ],
        ["example-backups"],
        ["cli", "console", "terraform"]);

    public static readonly Persona Security = new(
        "security",
        [
            "guardduty:ListFindings", "guardduty:GetFindings", "securityhub:GetFindings", "iam:GenerateCredentialReport", "iam:GetCredentialReport",
            "iam:ListUsers", "iam:ListAccessKeys", "iam:GetAccountAuthorizationDetails", "config:DescribeConfigRules", "config:DescribeComplianceByConfigRule",
            "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:LookupEvents", "access-analyzer:ListFindings", "kms:ListKeys",
            "s3:ListBuckets", "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "sts:GetCallerIdentity", "inspector2:ListFindings",
        ],
        ["example-cloudtrail-archive"],
        ["console", "cli", "boto3"]);

    public static readonly (Persona Persona, double Share)[] Personas = [(Developer, 0.5), (Analyst, 0.2), (Operator, 0.2), (Security, 0.1)];

    public static readonly string[] CiApis =
    [
        "sts:GetCallerIdentity", "cloudformation:DescribeStacks", "cloudformation:UpdateStack", "cloudformation:DescribeStackEvents",
        "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:PutImage", "ecs:UpdateService", "ecs:DescribeServices",
        "lambda:UpdateFunctionCode20150331v2", "lambda:GetFunctionConfiguration", "iam:PassRole", "iam:GetRole",
    ];

    public static readonly string[] AppDomains =
        ["api.example-pay.com", "hb.monitor-example.io", "assets.example-cdn.net", "pool.ntp.org", "sqs.us-east-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com", "login.example-idp.com"];

    public static readonly string[] BatchDomains =
        ["glue.us-east-1.amazonaws.com", "athena.us-east-1.amazonaws.com", "deb.debian.org", "security.debian.org", "pool.ntp.org", "s3.us-east-1.amazonaws.com"];

    public static readonly string[] BastionDomains = ["deb.debian.org", "security.debian.org", "ntp.ubuntu.com", "api.github.com", "pool.ntp.org"];

    public static readonly string[] BuildDomains =
    [
        "registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "github.com", "objects.githubusercontent.com", "proxy.golang.org",
        "api.nuget.org", "deb.debian.org", "repo.maven.apache.org", "registry-1.docker.io", "auth.docker.io", "production.cloudflare.docker.com",
        "dkr.ecr.us-east-1.amazonaws.com", "sts.amazonaws.com",
    ];

    /// <summary>
    /// Ordinary registrable domains that instances look up for the first time now and then: services,
    /// package hosts and vendors. Names chosen by hand for the simulation, not taken from a ranking.
    /// </summary>
    public static readonly string[] NewBenignDomains =
    [
        "github.com", "githubusercontent.com", "gitlab.com", "bitbucket.org", "npmjs.org", "yarnpkg.com", "pypi.org", "pythonhosted.org",
        "rubygems.org", "crates.io", "golang.org", "nuget.org", "maven.org", "apache.org", "gradle.org", "docker.io", "docker.com", "quay.io",
        "gcr.io", "k8s.io", "helm.sh", "hashicorp.com", "terraform.io", "letsencrypt.org", "digicert.com", "sectigo.com", "ubuntu.com",
        "debian.org", "fedoraproject.org", "alpinelinux.org", "centos.org", "microsoft.com", "windowsupdate.com", "office.com", "google.com",
        "googleapis.com", "gstatic.com", "cloudflare.com", "fastly.net", "akamai.net", "akamaized.net", "jsdelivr.net", "unpkg.com",
        "cdnjs.com", "sentry.io", "datadoghq.com", "newrelic.com", "pagerduty.com", "slack.com", "atlassian.net", "atlassian.com", "zoom.us",
        "okta.com", "auth0.com", "stripe.com", "paypal.com", "twilio.com", "sendgrid.net", "mailgun.org", "mongodb.net", "elastic.co",
        "grafana.com", "prometheus.io", "jetbrains.com", "visualstudio.com", "vscode-cdn.net", "nodejs.org", "python.org", "rust-lang.org",
        "openssl.org", "kernel.org", "sourceforge.net", "stackoverflow.com", "wikipedia.org", "mozilla.org", "openai.com", "huggingface.co",
        "readthedocs.io", "heroku.com", "snyk.io", "sonarcloud.io", "codecov.io", "circleci.com", "jfrog.io", "cloudsmith.io",
        "launchdarkly.com", "segment.io", "mixpanel.com", "intercom.io", "hubspot.com", "salesforce.com", "zendesk.com", "dropbox.com",
        "box.com", "apple.com", "icloud.com", "ntp.org", "gravatar.com", "wordpress.org", "php.net", "postgresql.org", "mysql.com",
        "redis.io", "rabbitmq.com", "nginx.org", "haproxy.org", "envoyproxy.io", "istio.io", "opentelemetry.io", "jaegertracing.io",
    ];

    public static readonly string[] HostPrefixes = ["www", "api", "cdn", "static", "download", "updates", "registry", "auth"];
}
