-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

