"""Words the demo is made of: Thai/English names, OTOP products with prices and seasons.

Prices are typical marketplace prices in THB for the pack named; weights are shipping
weights in kg. ``season`` lists the months a fresh fruit is harvested and sold (durian and
mangosteen May–August, mango March–May, lychee May–June, tangerine November–January).
"""

from __future__ import annotations

SELLER_TYPE_WEIGHTS = (0.3, 0.25, 0.15, 0.15, 0.15)

FIRST_NAMES = (
    ("สมชาย", "Somchai"),
    ("สมศรี", "Somsri"),
    ("บุญมี", "Boonmee"),
    ("มาลี", "Malee"),
    ("ประยูร", "Prayoon"),
    ("สุนทร", "Sunthorn"),
    ("วันเพ็ญ", "Wanphen"),
    ("ทองใบ", "Thongbai"),
    ("จันทร์เพ็ญ", "Chanphen"),
    ("สุภาพ", "Suphap"),
    ("อำนวย", "Amnuay"),
    ("บัวผัน", "Buaphan"),
    ("คำปุ่น", "Khampun"),
    ("ศรีนวล", "Srinuan"),
    ("ประเสริฐ", "Prasert"),
    ("นงลักษณ์", "Nongluck"),
    ("วิไล", "Wilai"),
    ("สมพร", "Somporn"),
    ("อุไร", "Urai"),
    ("ชัยวัฒน์", "Chaiwat"),
    ("ปราณี", "Pranee"),
    ("สายสุนีย์", "Saisunee"),
    ("ธนพร", "Thanaporn"),
    ("กิตติ", "Kitti"),
)
LAST_NAMES = (
    ("ใจดี", "Jaidee"),
    ("ศรีสุข", "Srisuk"),
    ("แก้วมณี", "Kaewmanee"),
    ("บุญเรือง", "Boonrueang"),
    ("ทองดี", "Thongdee"),
    ("สุขสวัสดิ์", "Suksawat"),
    ("พรหมมา", "Phromma"),
    ("คำแก้ว", "Khamkaew"),
    ("ชัยมงคล", "Chaimongkol"),
    ("วงศ์ใหญ่", "Wongyai"),
    ("อินทร์แก้ว", "Inkaew"),
    ("มีสุข", "Meesuk"),
    ("ศรีวงศ์", "Sriwong"),
    ("จันทร์หอม", "Chanhom"),
    ("นาคสุข", "Naksuk"),
    ("เพชรรัตน์", "Phetcharat"),
    ("บุญมา", "Boonma"),
    ("สิทธิชัย", "Sitthichai"),
    ("รักษาพล", "Raksaphon"),
    ("ปัญญาดี", "Panyadee"),
)

# (Thai stem, English stem) of a group's trade, used in group names.
TRADES = (
    ("ทอผ้า", "Weaving"),
    ("จักสาน", "Basketry"),
    ("แปรรูปผลไม้", "Fruit Processing"),
    ("ผลิตภัณฑ์สมุนไพร", "Herbal Products"),
    ("ข้าวอินทรีย์", "Organic Rice"),
    ("ผู้ปลูกทุเรียน", "Durian Growers"),
    ("ผู้ปลูกมังคุด", "Mangosteen Growers"),
    ("ผ้าย้อมคราม", "Indigo Dyeing"),
    ("ขนมไทย", "Thai Desserts"),
    ("เครื่องปั้นดินเผา", "Pottery"),
    ("น้ำพริกแม่บ้าน", "Chilli Paste"),
    ("ไม้แกะสลัก", "Woodcarving"),
    ("ประมงพื้นบ้าน", "Small-scale Fishery"),
)

CATEGORY_WEIGHTS = (0.42, 0.12, 0.16, 0.14, 0.16)

# category, title_th, title_en, price_lo, price_hi, weight_lo, weight_hi, temperature, season
PRODUCTS: tuple[tuple[str, str, str, int, int, float, float, str, tuple[int, ...]], ...] = (
    ("food", "ทุเรียนหมอนทอง", "Monthong durian", 450, 1200, 3.0, 5.0, "ambient", (5, 6, 7, 8)),
    ("food", "มังคุดคัดเกรด", "Graded mangosteen", 180, 450, 2.0, 5.0, "ambient", (5, 6, 7, 8)),
    ("food", "เงาะโรงเรียน", "Rong Rian rambutan", 120, 300, 2.0, 5.0, "ambient", (5, 6, 7, 8)),
    ("food", "ลำไยอบแห้ง", "Dried longan", 120, 280, 0.5, 1.0, "ambient", ()),
    ("food", "มะม่วงน้ำดอกไม้", "Nam Dok Mai mango", 150, 380, 2.0, 5.0, "ambient", (3, 4, 5)),
    ("food", "ลิ้นจี่ฮงฮวย", "Hong Huay lychee", 200, 450, 2.0, 3.0, "chilled", (5, 6)),
    ("food", "ส้มสายน้ำผึ้ง", "Sai Nam Phueng tangerine", 180, 400, 3.0, 5.0, "ambient", (11, 12, 1)),
    ("food", "ข้าวหอมมะลิอินทรีย์", "Organic jasmine rice", 90, 350, 1.0, 5.0, "ambient", ()),
    ("food", "ข้าวไรซ์เบอร์รี่", "Riceberry rice", 90, 250, 1.0, 2.0, "ambient", ()),
    ("food", "น้ำพริกนรก", "Nam prik narok chilli paste", 45, 150, 0.2, 0.6, "ambient", ()),
    ("food", "กล้วยตาก", "Sun-dried banana", 60, 180, 0.3, 1.0, "ambient", ()),
    ("food", "ไส้อั่วสมุนไพร", "Northern herb sausage", 150, 380, 0.5, 1.0, "frozen", ()),
    ("food", "แหนมหมูหนังหมู", "Fermented pork nham", 120, 300, 0.5, 1.0, "chilled", ()),
    ("food", "กุ้งแม่น้ำแช่แข็ง", "Frozen river prawns", 450, 1200, 1.0, 2.0, "frozen", ()),
    ("food", "ปลาสลิดแดดเดียว", "Sun-dried snakeskin gourami", 180, 420, 0.5, 1.0, "frozen", ()),
    ("food", "ทองม้วนกรอบ", "Crispy coconut rolls", 60, 160, 0.3, 0.8, "ambient", ()),
    ("food", "กะปิคลองโคน", "Khlong Khon shrimp paste", 80, 200, 0.5, 1.0, "ambient", ()),
    ("beverage", "ชาอู่หลงดอยแม่สลอง", "Doi Mae Salong oolong tea", 150, 650, 0.2, 0.6, "ambient", ()),
    ("beverage", "กาแฟอราบิกาดอยช้าง", "Doi Chang arabica coffee", 180, 480, 0.3, 1.0, "ambient", ()),
    ("beverage", "น้ำผึ้งดอกลำไย", "Longan blossom honey", 150, 420, 0.5, 1.2, "ambient", ()),
    ("beverage", "น้ำกระเจี๊ยบเข้มข้น", "Roselle concentrate", 60, 180, 0.6, 1.5, "ambient", ()),
    ("beverage", "ไวน์ลูกหม่อน", "Mulberry wine", 250, 600, 1.0, 1.6, "ambient", ()),
    ("textile", "ผ้าไหมมัดหมี่", "Mudmee silk", 900, 4500, 0.3, 0.8, "ambient", ()),
    ("textile", "ผ้าขาวม้าทอมือ", "Handwoven pha khao ma", 120, 450, 0.2, 0.5, "ambient", ()),
    ("textile", "ผ้าย้อมครามสกลนคร", "Sakon Nakhon indigo cloth", 450, 2500, 0.3, 0.8, "ambient", ()),
    ("textile", "เสื้อผ้าฝ้ายทอมือ", "Handwoven cotton shirt", 350, 1200, 0.3, 0.6, "ambient", ()),
    ("textile", "ผ้าซิ่นตีนจก", "Teen jok sarong", 1200, 6500, 0.4, 0.9, "ambient", ()),
    ("household", "ตะกร้าสานไม้ไผ่", "Woven bamboo basket", 150, 650, 0.5, 2.0, "ambient", ()),
    ("household", "กระติ๊บข้าวเหนียว", "Sticky rice basket", 80, 250, 0.2, 0.5, "ambient", ()),
    ("household", "เครื่องปั้นดินเผาด่านเกวียน", "Dan Kwian pottery", 250, 1800, 1.0, 5.0, "ambient", ()),
    ("household", "ร่มบ่อสร้าง", "Bo Sang umbrella", 300, 1500, 0.6, 1.5, "ambient", ()),
    ("household", "ช้างไม้แกะสลัก", "Carved wooden elephant", 250, 2500, 0.5, 3.0, "ambient", ()),
    ("household", "เสื่อกกจันทบูร", "Chanthaburi reed mat", 350, 1500, 1.0, 3.0, "ambient", ()),
    ("herbal", "ยาหม่องสมุนไพร", "Herbal balm", 40, 150, 0.05, 0.2, "ambient", ()),
    ("herbal", "ลูกประคบสมุนไพร", "Herbal compress ball", 60, 220, 0.2, 0.6, "ambient", ()),
    ("herbal", "สบู่ขมิ้นชัน", "Turmeric soap", 45, 180, 0.1, 0.4, "ambient", ()),
    ("herbal", "น้ำมันเหลือง", "Nam man lueang oil", 35, 120, 0.05, 0.2, "ambient", ()),
    ("herbal", "ชาขิงผง", "Instant ginger tea", 60, 180, 0.2, 0.5, "ambient", ()),
    ("herbal", "ครีมบำรุงผิวว่านหางจระเข้", "Aloe vera cream", 120, 450, 0.1, 0.3, "ambient", ()),
)

# Pack sizes appended to titles: (Thai, English, price factor, weight factor).
PACKS = (
    ("ขนาดทดลอง", "trial size", 0.6, 0.6),
    ("ขนาดมาตรฐาน", "standard pack", 1.0, 1.0),
    ("แพ็กคู่", "twin pack", 1.8, 2.0),
    ("ชุดของขวัญ", "gift set", 1.5, 1.3),
)

# Why a gateway declines a charge, per channel.
FAILURE_REASONS = {
    "promptpay": ("qr_expired", "cancelled_by_user", "bank_timeout"),
    "card": ("card_declined", "insufficient_funds", "3ds_failed", "expired_card"),
    "mobile_banking": ("insufficient_funds", "cancelled_by_user", "bank_timeout"),
    "counter": ("payment_code_expired",),
    "ewallet": ("insufficient_funds", "cancelled_by_user"),
}
