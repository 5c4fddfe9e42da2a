"""The domain vocabulary of domain.md and ledger-format.md: the values a ledger may hold.

Values stay in Chinese, exactly as counties write them; code names are the glossary's.
"""

from __future__ import annotations

# 劳动能力 (capacity)
CAPACITY_ABLE = "有劳动能力"
CAPACITY_WEAK = "弱劳动力"
CAPACITIES = (CAPACITY_ABLE, CAPACITY_WEAK, "丧失劳动能力", "无劳动能力")
LABOUR_CAPACITIES = (CAPACITY_ABLE, CAPACITY_WEAK)

# 就业状态 (status)
STATUS_EMPLOYED = "已就业"
STATUS_UNEMPLOYED = "未就业"
STATUSES = (STATUS_EMPLOYED, STATUS_UNEMPLOYED, "在校生", "服役", "退休", "其他")
LABOUR_STATUSES = (STATUS_EMPLOYED, STATUS_UNEMPLOYED)

# 就业形式 (employment_type), in the order every chart and table uses
OUT_OF_PROVINCE = "省外务工"
IN_PROVINCE_OUT_OF_COUNTY = "省内县外务工"
IN_COUNTY = "县内务工"
PUBLIC_WELFARE_POST = "公益性岗位"
WORKSHOP = "扶贫车间"
HOME_PIECEWORK = "居家就业"
SELF_EMPLOYED = "自主创业"
FLEXIBLE = "灵活就业"
EMPLOYMENT_TYPES = (
    OUT_OF_PROVINCE,
    IN_PROVINCE_OUT_OF_COUNTY,
    IN_COUNTY,
    PUBLIC_WELFARE_POST,
    WORKSHOP,
    HOME_PIECEWORK,
    SELF_EMPLOYED,
    FLEXIBLE,
)
# Shaanxi reports migrant work in exactly these three buckets.
MIGRANT_TYPES = (OUT_OF_PROVINCE, IN_PROVINCE_OUT_OF_COUNTY, IN_COUNTY)

EDUCATIONS = ("小学及以下", "初中", "高中(中专)", "大专及以上")
RELATIONS = ("户主", "配偶", "子女", "父母", "孙子女", "兄弟姐妹", "其他")
WISHES = ("外出务工", "就近就业", "公益性岗位", "自主创业", "暂无意愿")
MONITORING_TYPES = ("脱贫户", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
GENDERS = ("男", "女")

# 补贴类型 (subsidy kind)
SUBSIDY_PUBLIC_WELFARE = "公益性岗位补贴"
SUBSIDY_TRANSPORT = "交通补贴"
SUBSIDY_LIVING = "生活补贴"
SUBSIDY_TRAINING = "培训补贴"
SUBSIDY_STABLE = "稳岗就业补贴"
SUBSIDY_START_UP = "创业补贴"
SUBSIDY_LOAN_INTEREST = "创业担保贷款贴息"
SUBSIDY_HIRING = "吸纳就业补贴"
SUBSIDY_SOCIAL_INSURANCE = "社保补贴"
SUBSIDY_ON_THE_JOB = "以工代训补贴"
SUBSIDY_FLOOR_MANAGER = "楼层管理员补贴"
SUBSIDY_KINDS = (
    SUBSIDY_PUBLIC_WELFARE,
    SUBSIDY_TRANSPORT,
    SUBSIDY_LIVING,
    SUBSIDY_TRAINING,
    SUBSIDY_STABLE,
    SUBSIDY_START_UP,
    SUBSIDY_LOAN_INTEREST,
    SUBSIDY_HIRING,
    SUBSIDY_SOCIAL_INSURANCE,
    SUBSIDY_ON_THE_JOB,
    SUBSIDY_FLOOR_MANAGER,
)
# Paid to an employer, not a person: the row names a 单位名称 instead of an ID number.
EMPLOYER_SUBSIDY_KINDS = (SUBSIDY_HIRING, SUBSIDY_SOCIAL_INSURANCE, SUBSIDY_ON_THE_JOB)

JOB_SOURCES = ("招聘会", "线上", "企业直报")

# 年度目标 (targets): the metric names a target row may carry.
TARGET_METRICS = (
    "就业率",
    "一户一人率",
    "零就业家庭",
    "已就业人数",
    "公益性岗位人数",
    "培训人数",
    "扶贫车间",
    "居家就业",
    "补贴金额",
)
COUNTY_SCOPE = "县"
